#include "store/sqlite/sqlite_store.h"

#include <future>
#include <limits>
#include <mutex>
#include <utility>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_signatures.h"
#include "store/sqlite/sqlite_tx.h"
#include "store/sqlite/writer_thread.h"

namespace senderid::sqlite {
namespace {

// Store::Write: fn on the whole store; the caller waits for the answer.
class TxJob final : public WriteJob {
 public:
  explicit TxJob(const Store::WriteFn& fn) : WriteJob(Shape::kGeneral), fn_(fn) {}
  std::future<Status> answer() { return promise_.get_future(); }

  Status Run(Connection& writer) override {
    SqliteTx tx(writer);
    return fn_(tx);
  }
  void Finish(Status result) override { promise_.set_value(std::move(result)); }

 private:
  const Store::WriteFn& fn_;  // the caller's, alive until it has the answer
  std::promise<Status> promise_;
};

// SignatureLedger::Spend: one INSERT; the caller's callback gets the answer.
class SpendJob final : public WriteJob {
 public:
  SpendJob(std::string digest, TimeMs keep_until, SignatureLedger::SpendDone done)
      : WriteJob(Shape::kSingleStatement),
        digest_(std::move(digest)),
        keep_until_(keep_until),
        done_(std::move(done)) {}

  Status Run(Connection& writer) override {
    SID_ASSIGN_OR_RETURN(fresh_, SqliteSignatures(writer).Spend(digest_, keep_until_));
    return OkStatus();
  }
  void Finish(Status result) override {
    if (!result.ok()) return done_(std::move(result).error());
    done_(fresh_);
  }

 private:
  const std::string digest_;
  const TimeMs keep_until_;
  const SignatureLedger::SpendDone done_;
  bool fresh_ = false;
};

// SignatureLedger::Prune: one DELETE; the caller waits for the count.
class PruneJob final : public WriteJob {
 public:
  explicit PruneJob(TimeMs now) : WriteJob(Shape::kSingleStatement), now_(now) {}
  std::future<Result<int>> answer() { return promise_.get_future(); }

  Status Run(Connection& writer) override {
    SID_ASSIGN_OR_RETURN(pruned_, SqliteSignatures(writer).Prune(now_));
    return OkStatus();
  }
  void Finish(Status result) override {
    if (!result.ok()) return promise_.set_value(std::move(result).error());
    promise_.set_value(pruned_);
  }

 private:
  const TimeMs now_;
  int pruned_ = 0;
  std::promise<Result<int>> promise_;
};

// SqliteStore::TakeSpentSignatures: one SELECT and one DELETE of every row, in one transaction.
class TakeSpentJob final : public WriteJob {
 public:
  explicit TakeSpentJob(TimeMs now) : WriteJob(Shape::kGeneral), now_(now) {}
  std::future<Result<std::vector<std::pair<std::string, TimeMs>>>> answer() {
    return promise_.get_future();
  }

  Status Run(Connection& writer) override {
    SqliteSignatures signatures(writer);
    SID_ASSIGN_OR_RETURN(rows_, signatures.Unexpired(now_));
    SID_ASSIGN_OR_RETURN(int removed, signatures.Prune(std::numeric_limits<TimeMs>::max()));
    (void)removed;
    return OkStatus();
  }
  void Finish(Status result) override {
    if (!result.ok()) return promise_.set_value(std::move(result).error());
    promise_.set_value(std::move(rows_));
  }

 private:
  const TimeMs now_;
  std::vector<std::pair<std::string, TimeMs>> rows_;
  std::promise<Result<std::vector<std::pair<std::string, TimeMs>>>> promise_;
};

}  // namespace

std::string SignaturesPathOf(const std::string& path) {
  constexpr std::string_view kSuffix = ".db";
  if (path.size() > kSuffix.size() &&
      path.compare(path.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0)
    return path.substr(0, path.size() - kSuffix.size()) + "-signatures.db";
  return path + "-signatures";
}

class SqliteStore::Impl {
 public:
  Impl(SqliteOptions options, std::unique_ptr<Connection> writer)
      : options_(std::move(options)),
        writer_(std::move(writer),
                WriterThread::Options{options_.max_group, options_.force_retry}) {}

  Status Read(const ReadFn& fn) {
    SID_ASSIGN_OR_RETURN(std::unique_ptr<Reader> reader, TakeReader());
    Connection& conn = *reader->conn;
    Status result = [&]() -> Status {
      SID_TRY(conn.Run("BEGIN"));
      SqliteTx tx(conn, &reader->accounts);
      Status s = fn(tx);
      Status end = conn.Run("COMMIT");
      if (!s.ok()) return s;
      return end;
    }();
    // A connection goes back to the pool outside any transaction, or a later Read would see an
    // old snapshot.
    if (sqlite3_get_autocommit(conn.db()) == 0) (void)conn.Exec("ROLLBACK");
    GiveBackReader(std::move(reader));
    return result;
  }

  // Reads the schema version on a reader connection: the file is there and readable (the schema
  // itself was migrated when the store opened).
  Status Ping() {
    SID_ASSIGN_OR_RETURN(std::unique_ptr<Reader> reader, TakeReader());
    Status result = [&]() -> Status {
      SID_ASSIGN_OR_RETURN(Statement st, reader->conn->Prepare("PRAGMA user_version"));
      SID_TRY(st.Step());
      return OkStatus();
    }();
    GiveBackReader(std::move(reader));
    return result;
  }

  Status Write(const WriteFn& fn) {
    auto job = std::make_unique<TxJob>(fn);
    std::future<Status> answer = job->answer();
    writer_.Submit(std::move(job));
    return answer.get();
  }

  void Spend(std::string digest, TimeMs keep_until, SpendDone done) {
    writer_.Submit(std::make_unique<SpendJob>(std::move(digest), keep_until, std::move(done)));
  }

  Result<std::vector<std::pair<std::string, TimeMs>>> TakeSpentSignatures(TimeMs now) {
    auto job = std::make_unique<TakeSpentJob>(now);
    auto answer = job->answer();
    writer_.Submit(std::move(job));
    return answer.get();
  }

  Result<int> Prune(TimeMs now) {
    auto job = std::make_unique<PruneJob>(now);
    std::future<Result<int>> answer = job->answer();
    writer_.Submit(std::move(job));
    return answer.get();
  }

 private:
  // A pooled read-only connection and the rows it keeps between its transactions.
  struct Reader {
    std::unique_ptr<Connection> conn;
    AccountsCache accounts;
  };

  Result<std::unique_ptr<Reader>> TakeReader() {
    {
      std::lock_guard lock(readers_mu_);
      if (!readers_.empty()) {
        std::unique_ptr<Reader> reader = std::move(readers_.back());
        readers_.pop_back();
        return reader;
      }
    }
    SID_ASSIGN_OR_RETURN(
        std::unique_ptr<Connection> conn,
        Connection::Open(options_.path, Connection::Mode::kReadOnly, options_.synchronous_full));
    auto reader = std::make_unique<Reader>();
    reader->conn = std::move(conn);
    return reader;
  }

  void GiveBackReader(std::unique_ptr<Reader> reader) {
    std::lock_guard lock(readers_mu_);
    readers_.push_back(std::move(reader));
  }

  const SqliteOptions options_;

  std::mutex readers_mu_;
  std::vector<std::unique_ptr<Reader>> readers_;  // guarded by readers_mu_

  // Last: destroyed first, so that the writes it finishes on the way out find the rest intact.
  WriterThread writer_;
};

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const SqliteOptions& options) {
  SID_ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer,
                       Connection::Open(options.path, Connection::Mode::kReadWrite,
                                        options.synchronous_full));
  SID_TRY(writer->Exec("PRAGMA journal_mode=WAL"));
  // Every write lands on random leaves of several B-trees; a page cache larger than SQLite's 2 MB
  // default keeps the upper levels and recent leaves of a large store in memory. The writer's cache
  // survives its own commits, unlike the readers' caches, which every commit to the file empties.
  SID_TRY(writer->Exec("PRAGMA main.cache_size=-32768"));
  // The writer runs each job of a group in its own SAVEPOINT, so the first change to a page in a
  // job copies the page's old content to the statement sub-journal. With the default temp_store
  // that sub-journal spills past 64 KiB to a temporary file (/var/tmp/etilqs_*), written with a
  // pwrite per page: under the create-delete load, about a tenth of the writer thread's time, and
  // half of a queued webhook delivery's insert (it touches six B-trees). In memory it is truncated
  // at each job's RELEASE, so it holds one job's pages at most. (Temporary tables and sorts of the
  // writer's statements, all small, stay in memory too.)
  SID_TRY(writer->Exec("PRAGMA temp_store=MEMORY"));
  SID_TRY(Migrate(*writer));
  SID_TRY(PrepareReplayDatabase(*writer, SignaturesPathOf(options.path), options.synchronous_full));
  SID_TRY(UpgradeLegacySignatures(*writer, options.legacy_signature_digest));
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(std::make_unique<Impl>(options, std::move(writer))));
}

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStore::~SqliteStore() = default;

Status SqliteStore::Read(const ReadFn& fn) { return impl_->Read(fn); }
Status SqliteStore::Write(const WriteFn& fn) { return impl_->Write(fn); }

Status SqliteStore::Ping() { return impl_->Ping(); }

void SqliteStore::Spend(std::string digest, TimeMs keep_until, SpendDone done) {
  impl_->Spend(std::move(digest), keep_until, std::move(done));
}

Result<int> SqliteStore::Prune(TimeMs now) { return impl_->Prune(now); }

Result<std::vector<std::pair<std::string, TimeMs>>> SqliteStore::TakeSpentSignatures(TimeMs now) {
  return impl_->TakeSpentSignatures(now);
}

}  // namespace senderid::sqlite
