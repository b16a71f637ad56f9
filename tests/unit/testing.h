#pragma once
// Shared helpers of the unit tests (header-only): a settable clock, a deterministic Random, a fixed
// master key, a fresh temporary directory per test, and fixtures that open a real SqliteStore on a
// file in that directory (and can reopen it, which is how tests simulate a server restart).
//
// Nothing here sleeps: time moves only when a test moves the FakeClock.

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "core/error.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"
#include "core/services/accounts_service.h"
#include "core/time.h"
#include "crypto/default_crypto.h"
#include "store/sqlite/sqlite_store.h"

namespace senderid::test {

// The instant of a UTC civil date-time, computed with libc's timegm (independent of core/time.cc, so
// tables that use it check the production code against another implementation).
inline TimeMs Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0,
                  int millis = 0) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<TimeMs>(timegm(&tm)) * 1000 + millis;
}

// A Clock that stands still until the test moves it. Thread-safe.
class FakeClock final : public Clock {
 public:
  // 2026-02-03T06:30:45.324Z = 15:30:45.324 in Korea: an arbitrary, ordinary moment.
  static constexpr TimeMs kDefaultStart = 1770100245324;

  explicit FakeClock(TimeMs start = kDefaultStart) : now_(start) {}
  TimeMs Now() const override { return now_.load(); }
  void Set(TimeMs t) { now_.store(t); }
  void Advance(TimeMs delta) { now_.fetch_add(delta); }

 private:
  std::atomic<TimeMs> now_;
};

// A deterministic Random (splitmix64): runs are reproducible. Thread-safe.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed = 0x5eed5eed5eedULL) : state_(seed) {}
  void Fill(uint8_t* out, size_t n) override {
    for (size_t i = 0; i < n; ++i) {
      uint64_t z = state_.fetch_add(0x9e3779b97f4a7c15ULL) + 0x9e3779b97f4a7c15ULL;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      out[i] = static_cast<uint8_t>(z ^ (z >> 31));
    }
  }

 private:
  std::atomic<uint64_t> state_;
};

// A fixed 32-byte master key.
inline std::string TestMasterKey() { return "0123456789abcdef0123456789ABCDEF"; }

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string templ = (Base() / "senderid-unit-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << templ;
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // $TMPDIR when set; otherwise /dev/shm when it is there (a tmpfs: fsync costs nothing, which keeps
  // the unit run at about a second instead of several), else the system temp dir.
  static std::filesystem::path Base() {
    const char* tmpdir = std::getenv("TMPDIR");
    if (tmpdir != nullptr && *tmpdir != '\0') return tmpdir;
    std::error_code ec;
    if (std::filesystem::is_directory("/dev/shm", ec) && access("/dev/shm", W_OK | X_OK) == 0)
      return "/dev/shm";
    return std::filesystem::temp_directory_path();
  }

  const std::filesystem::path& path() const { return path_; }
  std::string File(std::string_view name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Opens a SqliteStore on `path`; a test failure (and nullptr) when that fails.
inline std::unique_ptr<sqlite::SqliteStore> OpenStore(const std::string& path,
                                                      bool synchronous_full = false) {
  sqlite::SqliteOptions options;
  options.path = path;
  // NORMAL (WAL) still survives a crash of the process, which is all a reopen simulates; it keeps
  // the unit run fast.
  options.synchronous_full = synchronous_full;
  Result<std::unique_ptr<sqlite::SqliteStore>> store = sqlite::SqliteStore::Open(options);
  if (!store.ok()) {
    ADD_FAILURE() << "SqliteStore::Open(" << path << "): " << store.error().message;
    return nullptr;
  }
  return std::move(store).value();
}

// A real SqliteStore on a file in a fresh temporary directory.
class SqliteStoreFixture : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void TearDown() override { store_.reset(); }

  // Closes the store (if open) and opens the same file again: what a restart looks like.
  void Reopen() {
    store_.reset();
    store_ = OpenStore(db_path());
    ASSERT_NE(store_, nullptr);
  }

  std::string db_path() const { return dir_.File("senderid.db"); }
  sqlite::SqliteStore& store() { return *store_; }

  TempDir dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
};

// The store plus the real crypto, a FakeClock and a deterministic Random: what the services need.
class RegistryFixture : public SqliteStoreFixture {
 protected:
  // Creates an account with one read+write key; fails the test (and returns empty credentials) when
  // that fails.
  Credentials NewAccount(std::optional<int> limit = std::nullopt, std::string_view name = "테스트") {
    Result<Credentials> c = Accounts().CreateAccount(name, limit);
    if (!c.ok()) {
      ADD_FAILURE() << "CreateAccount: " << c.error().message;
      return Credentials{};
    }
    return std::move(c).value();
  }

  // Constructed on demand: they hold a reference to the store, which Reopen() replaces.
  AccountsService Accounts() { return AccountsService(store(), crypto_, clock_, random_, 5); }

  FakeClock clock_;
  SeededRandom random_;
  DefaultCrypto crypto_{TestMasterKey()};
};

}  // namespace senderid::test
