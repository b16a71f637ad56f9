#pragma once
// IP addresses as the SSRF guard of webhooks sees them (SPEC §12): strict parsing of the textual
// forms a URL may carry, and whether an address is global unicast by the IANA special-purpose
// address registries (IPv4 and IPv6). Pure values and functions, thread-safe; no sockets here —
// resolution is the HostResolver port's.
//
// Only canonical IPv4 text is an address: four decimal octets without leading zeros. The other
// forms inet_aton() and browsers accept (2130706433, 0x7f.1, 0177.0.0.1, 127.1) are refused by the
// URL rules instead of being guessed at, so that no two parsers can disagree about a target.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace senderid::net {

struct IpAddress {
  enum class Family { kV4, kV6 };
  Family family = Family::kV4;
  // Network byte order; an IPv4 address uses bytes[0..3] only.
  std::array<uint8_t, 16> bytes{};

  static IpAddress V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);
  bool operator==(const IpAddress& other) const = default;
};

// "192.0.2.1" (canonical dotted quad only).
std::optional<IpAddress> ParseIpv4(std::string_view text);
// RFC 4291 §2.2 text: hex groups, one "::", an optional dotted-quad tail; no zone id, no brackets.
std::optional<IpAddress> ParseIpv6(std::string_view text);
// Either of the two.
std::optional<IpAddress> ParseIpAddress(std::string_view text);

// Dotted quad, or RFC 5952 IPv6 text (lowercase, longest zero run compressed).
std::string ToString(const IpAddress& address);

// Why an address is not global unicast — "loopback", "private", "shared (CGNAT)", "link-local",
// "multicast", "unspecified", "reserved", "documentation", "benchmarking", … — or "" when it is.
// IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96) and NAT64 (64:ff9b::/96) addresses are
// judged by the IPv4 address they carry; everything outside 2000::/3 and the special blocks
// inside it (2001::/23, 2001:db8::/32, 2002::/16 6to4, 3fff::/20) is not global.
std::string_view NonGlobalReason(const IpAddress& address);
inline bool IsGlobalUnicast(const IpAddress& address) { return NonGlobalReason(address).empty(); }

}  // namespace senderid::net
