#pragma once
// The URL rules of a webhook (SPEC §12): http or https (the scheme in any case), at most 2,048
// bytes, no user info, a canonical host — a DNS name, a dotted-quad IPv4 address, or an IPv6
// address in brackets, and nothing that some parser reads as a number in another base — and an
// optional port. Only printable ASCII; no backslash (which some parsers read as '/'). Whatever
// passes is POSTed exactly as written. Pure functions, thread-safe.
//
// Whether the host may be reached (its resolved addresses all global unicast) is decided
// separately, at creation and at every attempt: see net/ip_address.h and the HostResolver port.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/net/ip_address.h"

namespace senderid::net {

inline constexpr size_t kMaxWebhookUrlBytes = 2048;

struct WebhookUrl {
  bool https = false;
  // The host in lower case, without brackets for IPv6 ("example.com", "192.0.2.1", "2001:db8::1").
  std::string host;
  std::optional<IpAddress> address;  // set when the host is an address literal
  uint16_t port = 0;                 // the explicit port, or 80 / 443
  std::string target;                // path and query as written ("/" when empty), no fragment
};

// The parsed URL, or kValidationError saying what is wrong (naming 'url').
Result<WebhookUrl> ParseWebhookUrl(std::string_view url);

}  // namespace senderid::net
