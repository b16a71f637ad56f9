#pragma once
// The HostResolver port over the system's resolver (getaddrinfo: /etc/hosts, DNS), with the
// deadline getaddrinfo itself lacks: each lookup runs on a thread of its own and the caller waits
// at most `timeout`; a lookup still running then is left to finish on its own (its result is
// dropped). At most max_pending lookups may be outstanding at once — beyond, Resolve answers
// kTimedOut at once — so a dead DNS server cannot pile up threads. Thread-safe.

#include <atomic>
#include <memory>
#include <string_view>

#include "core/ports/host_resolver.h"

namespace senderid {

class SystemResolver final : public HostResolver {
 public:
  explicit SystemResolver(int max_pending = 64) : max_pending_(max_pending) {}
  Resolution Resolve(std::string_view host, TimeMs timeout) override;

 private:
  const int max_pending_;
  // Shared with lookup threads, which may outlive a Resolve call (and this object: the count is
  // kept alive by the threads' copies).
  std::shared_ptr<std::atomic<int>> pending_ = std::make_shared<std::atomic<int>>(0);
};

}  // namespace senderid
