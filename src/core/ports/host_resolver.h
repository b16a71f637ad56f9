#pragma once
// Name resolution for the SSRF guard of webhooks (SPEC §12): the addresses a host name stands for,
// within a deadline. Implemented by delivery/system_resolver (getaddrinfo); tests substitute a
// table. Thread-safe.

#include <string_view>
#include <vector>

#include "core/net/ip_address.h"
#include "core/time.h"

namespace senderid {

struct Resolution {
  enum class Outcome { kResolved, kFailed, kTimedOut };
  Outcome outcome = Outcome::kFailed;
  std::vector<net::IpAddress> addresses;  // kResolved: at least one, IPv4 and IPv6
};

class HostResolver {
 public:
  virtual ~HostResolver() = default;
  // `host` is a DNS name (never an address literal). Returns within about `timeout`.
  virtual Resolution Resolve(std::string_view host, TimeMs timeout) = 0;
};

}  // namespace senderid
