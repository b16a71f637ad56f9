#pragma once
// The single writer of a SqliteStore, with group commit: one thread owns the writer connection,
// takes every job waiting in its queue (up to max_group), runs them in one transaction — each
// general job inside its own SAVEPOINT, so that a failing job rolls back alone; single-statement
// jobs without one, as a statement is atomic by itself — commits once, and only then answers all
// of them. One fsync serves many requests, and no answer is given before its data is durable.
//
// Thread-safe: any thread may Submit. Jobs run and finish on the writer thread, in queue order.

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.h"
#include "store/sqlite/connection.h"

namespace senderid::sqlite {

// One unit of work for the writer thread.
class WriteJob {
 public:
  enum class Shape {
    kGeneral,          // any number of statements: runs inside its own savepoint
    kSingleStatement,  // at most one change, atomic by itself: a failure leaves nothing to undo
  };

  explicit WriteJob(Shape shape) : shape_(shape) {}
  virtual ~WriteJob() = default;
  WriteJob(const WriteJob&) = delete;
  WriteJob& operator=(const WriteJob&) = delete;

  Shape shape() const { return shape_; }
  // Runs the job's statements on `writer`, inside the group's open transaction. A general job may
  // be run again after its savepoint was rolled back (WriterThread::Options::force_retry): only
  // its last run's effects count.
  virtual Status Run(Connection& writer) = 0;
  // The job's outcome, once its group committed (ok) or it failed; the last call on the job, on the
  // writer thread. Must be short and must not wait for another write.
  virtual void Finish(Status result) = 0;

 private:
  const Shape shape_;
};

class WriterThread {
 public:
  struct Options {
    int max_group = 256;  // most jobs committed together
    // Test hook: every general job runs, is rolled back to its savepoint and runs again.
    bool force_retry = false;
  };

  // Takes the writer connection (migrated, replay database attached) and starts the thread.
  WriterThread(std::unique_ptr<Connection> writer, Options options);
  // Runs and answers every job already submitted, then stops the thread.
  ~WriterThread();
  WriterThread(const WriterThread&) = delete;
  WriterThread& operator=(const WriterThread&) = delete;

  // Queues `job` and returns at once; its Finish says how it ended. Not after destruction began.
  void Submit(std::unique_ptr<WriteJob> job);

 private:
  void Loop();
  void CommitGroup(std::vector<std::unique_ptr<WriteJob>>& batch);
  // Runs a general job inside a savepoint of its own (twice under force_retry).
  Status RunInSavepoint(WriteJob& job);
  bool InTransaction() const;

  const Options options_;
  const std::unique_ptr<Connection> writer_;  // used on thread_ only

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<WriteJob>> queue_;  // guarded by mu_
  bool stopping_ = false;                        // guarded by mu_
  std::thread thread_;                           // last: starts once the rest is built
};

}  // namespace senderid::sqlite
