// The SQLite store under the contract suite: a fresh file in a fresh temporary directory per test,
// reopened on the same file to simulate a restart. Its ledger is serve's: the signature journal
// beside it (store/journal/).

#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "store/journal/signature_journal.h"
#include "store/sqlite/sqlite_store.h"
#include "tests/contract/store_under_test.h"

namespace senderid::contract {
namespace {

// /dev/shm when writable (a tmpfs: fsync costs nothing), else $TMPDIR, else the system temp dir.
std::filesystem::path TempBase() {
  std::error_code ec;
  if (std::filesystem::is_directory("/dev/shm", ec) && access("/dev/shm", W_OK | X_OK) == 0)
    return "/dev/shm";
  const char* tmpdir = std::getenv("TMPDIR");
  if (tmpdir != nullptr && *tmpdir != '\0') return tmpdir;
  return std::filesystem::temp_directory_path(ec);
}

// A fresh directory, removed with its files on destruction. Empty path when mkdtemp failed.
class TempDir {
 public:
  TempDir() {
    std::string templ = (TempBase() / "senderid-contract-XXXXXX").string();
    if (mkdtemp(templ.data()) != nullptr) path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class SqliteUnderTest final : public StoreUnderTest {
 public:
  // nullptr when the directory or the store cannot be made (the fixture fails the test).
  static std::unique_ptr<StoreUnderTest> Make(bool force_retry) {
    auto sut = std::unique_ptr<SqliteUnderTest>(new SqliteUnderTest(force_retry));
    if (sut->dir_.path().empty() || !sut->Reopen().ok()) return nullptr;
    return sut;
  }

  Store& store() override { return *store_; }
  SignatureLedger& ledger() override { return *journal_; }
  bool durable() const override { return true; }
  Status Reopen() override {
    journal_.reset();  // closes the files first, as a stopped server would
    store_.reset();
    sqlite::SqliteOptions options;
    options.path = (dir_.path() / "senderid.db").string();
    // NORMAL (WAL) survives a crash of the process, which is all a reopen simulates; fast.
    options.synchronous_full = false;
    options.force_retry = force_retry_;
    Result<std::unique_ptr<sqlite::SqliteStore>> opened = sqlite::SqliteStore::Open(options);
    if (!opened.ok()) return std::move(opened).error();
    store_ = std::move(opened).value();
    journal::JournalOptions journal_options;
    journal_options.dir = (dir_.path() / "senderid-signatures.journal").string();
    journal_options.sync = false;  // as synchronous_full above
    Result<std::unique_ptr<journal::SignatureJournal>> journal =
        journal::SignatureJournal::Open(journal_options);
    if (!journal.ok()) return std::move(journal).error();
    journal_ = std::move(journal).value();
    return OkStatus();
  }
  std::unique_ptr<StoreUnderTest> ForceRetry() override { return Make(/*force_retry=*/true); }

 private:
  explicit SqliteUnderTest(bool force_retry) : force_retry_(force_retry) {}

  const bool force_retry_;
  TempDir dir_;  // declared before store_: removed after the store has closed its files
  std::unique_ptr<sqlite::SqliteStore> store_;
  std::unique_ptr<journal::SignatureJournal> journal_;
};

}  // namespace

StoreFactory SqliteStoreFactory() {
  return {"sqlite", [] { return SqliteUnderTest::Make(/*force_retry=*/false); }, {}};
}

}  // namespace senderid::contract
