#include "store/postgres/pool.h"

#include <utility>

namespace senderid::pg {

Lease::~Lease() {
  if (pool_ != nullptr && conn_ != nullptr) pool_->GiveBack(std::move(conn_));
}

Pool::Pool(ConnectOptions options, int size)
    : options_(std::move(options)), size_(size < 1 ? 1 : size) {}

Pool::~Pool() = default;

Result<Lease> Pool::Acquire(Deadline deadline) {
  std::unique_lock lock(mu_);
  for (;;) {
    while (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      if (conn->LooksAlive()) return Lease(this, std::move(conn));
      --open_;  // closed by the server (a restart, say): drop it and look again
      lock.unlock();
      conn.reset();
      lock.lock();
    }
    if (open_ < size_) {
      ++open_;
      lock.unlock();
      Result<std::unique_ptr<Connection>> opened = Connection::Open(options_, deadline);
      if (opened.ok()) return Lease(this, std::move(opened).value());
      lock.lock();
      --open_;
      freed_.notify_one();
      return std::move(opened).error();
    }
    if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= size_)
      return Error(ErrorCode::kServiceUnavailable,
                   "postgres: no free connection within the deadline (pool of " +
                       std::to_string(size_) + " exhausted)");
  }
}

void Pool::GiveBack(std::unique_ptr<Connection> conn) {
  const bool keep = conn->usable() && !conn->has_deferred();
  std::unique_ptr<Connection> closing;
  {
    std::lock_guard lock(mu_);
    if (keep) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;
      closing = std::move(conn);
    }
  }
  freed_.notify_one();
  // Closed outside the lock: PQfinish may wait on the network.
}

}  // namespace senderid::pg
