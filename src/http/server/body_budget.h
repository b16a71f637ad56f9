#pragma once
// A bound on the request-body bytes the server holds at once, over all connections (an
// unauthenticated client may send a body up to its route's limit on every connection it opens).
// Thread-safe.

#include <atomic>
#include <cstddef>

namespace senderid::http {

class BodyBudget {
 public:
  explicit BodyBudget(size_t capacity) : capacity_(capacity) {}
  // Takes `bytes` of the budget, or nothing and false when they are not all free.
  bool TryReserve(size_t bytes) {
    size_t used = used_.load();
    do {
      if (bytes > capacity_ - used) return false;
    } while (!used_.compare_exchange_weak(used, used + bytes));
    return true;
  }
  void Release(size_t bytes) { used_.fetch_sub(bytes); }
  size_t used() const { return used_.load(); }

 private:
  const size_t capacity_;
  std::atomic<size_t> used_{0};
};

}  // namespace senderid::http
