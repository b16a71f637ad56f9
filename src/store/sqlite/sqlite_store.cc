#include "store/sqlite/sqlite_store.h"

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_tx.h"

namespace senderid::sqlite {
namespace {

struct WriteJob {
  Store::WriteFn fn;
  Store::DoneFn done;
  Store::WriteShape shape;
};

// "x/senderid.db" → "x/senderid-signatures.db".
std::string ReplayPath(const std::string& path) {
  constexpr std::string_view kSuffix = ".db";
  if (path.size() > kSuffix.size() && path.compare(path.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0)
    return path.substr(0, path.size() - kSuffix.size()) + "-signatures.db";
  return path + "-signatures";
}

}  // namespace

class SqliteStore::Impl {
 public:
  Impl(SqliteOptions options, std::unique_ptr<Connection> writer)
      : options_(std::move(options)), writer_(std::move(writer)) {
    thread_ = std::thread([this] { WriterLoop(); });
  }

  ~Impl() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  Status Read(const ReadFn& fn) {
    SID_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, TakeReader());
    Status result = [&]() -> Status {
      SID_TRY(conn->Run("BEGIN"));
      SqliteTx tx(*conn);
      Status s = fn(tx);
      Status end = conn->Run("COMMIT");
      if (!s.ok()) return s;
      return end;
    }();
    GiveBackReader(std::move(conn));
    return result;
  }

  Status Write(const WriteFn& fn) {
    std::promise<Status> promise;
    std::future<Status> result = promise.get_future();
    WriteAsync([&fn](StoreWriter& w) { return fn(w); },
               [&promise](Status s) { promise.set_value(std::move(s)); }, WriteShape::kGeneral);
    return result.get();
  }

  void WriteAsync(WriteFn fn, DoneFn done, WriteShape shape) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back(WriteJob{std::move(fn), std::move(done), shape});
    }
    cv_.notify_one();
  }

 private:
  Result<std::unique_ptr<Connection>> TakeReader() {
    {
      std::lock_guard lock(readers_mu_);
      if (!readers_.empty()) {
        std::unique_ptr<Connection> conn = std::move(readers_.back());
        readers_.pop_back();
        return conn;
      }
    }
    return Connection::Open(options_.path, Connection::Mode::kReadOnly, options_.synchronous_full);
  }

  void GiveBackReader(std::unique_ptr<Connection> conn) {
    std::lock_guard lock(readers_mu_);
    readers_.push_back(std::move(conn));
  }

  void WriterLoop() {
    for (;;) {
      std::vector<WriteJob> batch;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping with nothing left
        while (!queue_.empty() && batch.size() < static_cast<size_t>(options_.max_group)) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      CommitGroup(batch);
    }
  }

  // Runs the batch in one transaction, each job in its own savepoint (but single statements, which
  // are atomic by themselves), and answers every job after the commit (or its failure). Should SQLite roll the whole transaction back under a job (I/O
  // error, disk full), the jobs before it lost their changes too: they fail with it, and the rest of
  // the batch continues in a fresh transaction.
  void CommitGroup(std::vector<WriteJob>& batch) {
    std::vector<Status> results(batch.size(), OkStatus());
    size_t first = 0;  // first job of the open transaction
    Status begin = writer_->Run("BEGIN IMMEDIATE");
    for (size_t i = 0; i < batch.size() && begin.ok(); ++i) {
      const bool savepoint = batch[i].shape != WriteShape::kSingleStatement;
      Status s = OkStatus();
      if (!savepoint) {
        SqliteTx tx(*writer_);
        s = batch[i].fn(tx);
      } else if (s = writer_->Run("SAVEPOINT job"); s.ok()) {
        SqliteTx tx(*writer_);
        s = batch[i].fn(tx);
        if (!s.ok()) (void)writer_->Run("ROLLBACK TO job");
        Status release = writer_->Run("RELEASE job");
        if (s.ok() && !release.ok()) s = release;
      }
      results[i] = std::move(s);
      if (sqlite3_get_autocommit(writer_->db()) != 0) {
        const Status lost = results[i].ok() ? Status(Error(ErrorCode::kServiceUnavailable,
                                                           "transaction rolled back"))
                                            : results[i];
        for (size_t j = first; j <= i; ++j)
          if (results[j].ok()) results[j] = lost;
        first = i + 1;
        if (first < batch.size()) begin = writer_->Run("BEGIN IMMEDIATE");
      }
    }
    if (!begin.ok()) {
      for (size_t j = first; j < batch.size(); ++j) results[j] = begin;
    } else if (first < batch.size()) {
      Status commit = writer_->Run("COMMIT");
      if (!commit.ok()) {
        (void)writer_->Run("ROLLBACK");
        for (size_t j = first; j < batch.size(); ++j)
          if (results[j].ok()) results[j] = commit;
      }
    }
    for (size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(results[i]));
  }

  SqliteOptions options_;
  std::unique_ptr<Connection> writer_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<WriteJob> queue_;
  bool stopping_ = false;
  std::thread thread_;

  std::mutex readers_mu_;
  std::vector<std::unique_ptr<Connection>> readers_;
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
  SID_TRY(Migrate(*writer));
  SID_TRY(PrepareReplayDatabase(*writer, ReplayPath(options.path), options.synchronous_full));
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(std::make_unique<Impl>(options, std::move(writer))));
}

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStore::~SqliteStore() = default;

Status SqliteStore::Read(const ReadFn& fn) { return impl_->Read(fn); }
Status SqliteStore::Write(const WriteFn& fn) { return impl_->Write(fn); }
void SqliteStore::WriteAsync(WriteFn fn, DoneFn done, WriteShape shape) {
  impl_->WriteAsync(std::move(fn), std::move(done), shape);
}

}  // namespace senderid::sqlite
