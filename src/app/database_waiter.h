#pragma once
// For `serve` on a PostgreSQL store that could not be reached at start (SPEC §11: a serve started
// while the database is unreachable keeps retrying, /readyz 503 meanwhile): a thread that opens
// the store's schema again and again, waiting 0.5 s after the first failure and twice as long
// after each next one, at most 10 s, until it opens. A refusal that no retry can fix (another
// master key, a newer schema) ends the wait with `fatal(message)`.
//
// Thread-safe; the destructor stops the thread (at once, also mid-wait).

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "store/postgres/postgres_store.h"

namespace senderid {

class DatabaseWaiter {
 public:
  DatabaseWaiter(pg::PostgresStore& store, std::function<void(const std::string&)> fatal);
  ~DatabaseWaiter();
  DatabaseWaiter(const DatabaseWaiter&) = delete;
  DatabaseWaiter& operator=(const DatabaseWaiter&) = delete;

 private:
  void Loop();

  pg::PostgresStore& store_;
  const std::function<void(const std::string&)> fatal_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace senderid
