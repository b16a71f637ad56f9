#include "store/sqlite/writer_thread.h"

#include <pthread.h>
#include <utility>

namespace senderid::sqlite {

WriterThread::WriterThread(std::unique_ptr<Connection> writer, Options options)
    : options_(options), writer_(std::move(writer)), thread_([this] {
        // Thread names (≤ 15 characters) show in top -H, ps -L, perf and /proc/PID/task/*/comm.
        pthread_setname_np(pthread_self(), "sqlite-writer");
        Loop();
      }) {}

WriterThread::~WriterThread() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void WriterThread::Submit(std::unique_ptr<WriteJob> job) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void WriterThread::Loop() {
  const size_t max_group = options_.max_group < 1 ? 1 : static_cast<size_t>(options_.max_group);
  for (;;) {
    std::vector<std::unique_ptr<WriteJob>> batch;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping with nothing left
      while (!queue_.empty() && batch.size() < max_group) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    CommitGroup(batch);
  }
}

bool WriterThread::InTransaction() const { return sqlite3_get_autocommit(writer_->db()) == 0; }

Status WriterThread::RunInSavepoint(WriteJob& job) {
  SID_TRY(writer_->Run("SAVEPOINT job"));
  Status s = job.Run(*writer_);
  if (options_.force_retry && InTransaction()) {
    // What a conflict retry looks like to fn: its first run's effects vanish, and it runs again.
    Status undo = writer_->Run("ROLLBACK TO job");
    s = undo.ok() ? job.Run(*writer_) : std::move(undo);
  }
  if (!s.ok()) (void)writer_->Run("ROLLBACK TO job");
  Status release = writer_->Run("RELEASE job");
  if (s.ok() && !release.ok()) s = std::move(release);
  return s;
}

// Runs the batch in one transaction, each job in its own savepoint (but single statements, which
// are atomic by themselves), and answers every job after the commit (or its failure). Should
// SQLite roll the whole transaction back under a job (I/O error, disk full), the jobs before it
// lost their changes too: they fail with it, and the rest of the batch continues in a fresh
// transaction.
void WriterThread::CommitGroup(std::vector<std::unique_ptr<WriteJob>>& batch) {
  std::vector<Status> results(batch.size(), OkStatus());
  size_t first = 0;  // first job of the open transaction
  Status begin = writer_->Run("BEGIN IMMEDIATE");
  for (size_t i = 0; i < batch.size() && begin.ok(); ++i) {
    results[i] = batch[i]->shape() == WriteJob::Shape::kSingleStatement
                     ? batch[i]->Run(*writer_)
                     : RunInSavepoint(*batch[i]);
    if (!InTransaction()) {
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
  for (size_t i = 0; i < batch.size(); ++i) batch[i]->Finish(std::move(results[i]));
}

}  // namespace senderid::sqlite
