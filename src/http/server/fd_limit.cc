#include "http/server/fd_limit.h"

#include <sys/resource.h>

#include <algorithm>

namespace senderid::http {

size_t RaiseDescriptorLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? static_cast<size_t>(1) << 20
                                         : static_cast<size_t>(limit.rlim_cur);
}

size_t ConnectionCap(size_t requested, size_t descriptor_limit, int worker_threads) {
  // Per worker: a store connection's files (database, WAL, shared memory) and one document. For
  // the process: standard streams, the listener, epoll and timers, the store's writer, logs.
  const size_t headroom = 64 + 4 * static_cast<size_t>(std::max(1, worker_threads));
  constexpr size_t kFloor = 16;
  const size_t fits = descriptor_limit > headroom + kFloor ? descriptor_limit - headroom : kFloor;
  return std::min(requested, fits);
}

}  // namespace senderid::http
