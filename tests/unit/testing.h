#pragma once
// Shared helpers of the unit tests (header-only): everything of tests/unit/core_testing.h (a
// settable clock, a deterministic Random, a fixed master key, a fresh temporary directory per test,
// the port fakes and the in-memory MemoryRegistry fixtures), plus fixtures that open a real
// SqliteStore on a file in a temporary directory (and can reopen it, which is how tests simulate a
// server restart).
//
// Tests of the core need no SQLite: they include tests/unit/core_testing.h only, so that they build
// and run whatever state the SQLite adapter is in.
//
// Nothing here sleeps: time moves only when a test moves the FakeClock.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/error.h"
#include "core/ports/signature_ledger.h"
#include "core/ports/store.h"
#include "store/sqlite/sqlite_store.h"
#include "tests/unit/core_testing.h"

namespace senderid::test {

// Opens a SqliteStore on `path`; a test failure (and nullptr) when that fails.
inline std::unique_ptr<sqlite::SqliteStore> OpenStore(const std::string& path,
                                                      bool synchronous_full = false,
                                                      bool force_retry = false) {
  sqlite::SqliteOptions options;
  options.path = path;
  // NORMAL (WAL) still survives a crash of the process, which is all a reopen simulates; it keeps
  // the unit run fast.
  options.synchronous_full = synchronous_full;
  options.force_retry = force_retry;
  Result<std::unique_ptr<sqlite::SqliteStore>> store = sqlite::SqliteStore::Open(options);
  if (!store.ok()) {
    ADD_FAILURE() << "SqliteStore::Open(" << path << "): " << store.error().message;
    return nullptr;
  }
  return std::move(store).value();
}

// A real SqliteStore (which is also the signature ledger) on a file in a fresh temporary directory.
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
  SignatureLedger& ledger() { return *store_; }

  TempDir dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
};

}  // namespace senderid::test
