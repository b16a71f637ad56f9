#pragma once
// A fixed-size pool of PostgreSQL connections (--db-pool). Connections are opened on demand, up to
// the size, and a connection that was lost or timed out is closed instead of coming back, so that
// the pool heals by itself once the database is reachable again (SPEC §11: recovery without a
// restart). Idle connections are checked without a round trip before they are handed out.
//
// Thread-safe.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "core/error.h"
#include "store/postgres/connection.h"

namespace senderid::pg {

class Pool;

// A connection lent by the pool; it goes back (or, if unusable, is closed) when the lease ends.
class Lease {
 public:
  Lease(Pool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
  Lease(Lease&& other) noexcept = default;
  Lease& operator=(Lease&&) = delete;
  ~Lease();

  Connection& operator*() const { return *conn_; }
  Connection* operator->() const { return conn_.get(); }

 private:
  Pool* pool_;
  std::unique_ptr<Connection> conn_;
};

class Pool {
 public:
  Pool(ConnectOptions options, int size);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // A connection for the caller alone, waiting until `deadline` for one to be free.
  // kServiceUnavailable when none was free in time ("pool exhausted") or a new one could not be
  // opened (the database unreachable: libpq's reason).
  Result<Lease> Acquire(Deadline deadline);

  int size() const { return size_; }
  const ConnectOptions& options() const { return options_; }

 private:
  friend class Lease;
  void GiveBack(std::unique_ptr<Connection> conn);

  const ConnectOptions options_;
  const int size_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  int open_ = 0;  // connections that exist, idle or lent; guarded by mu_
};

}  // namespace senderid::pg
