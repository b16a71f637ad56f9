// Fuzz target: webhook URL validation and address classification (SPEC §12) — ParseWebhookUrl,
// ParseIpAddress, ToString, NonGlobalReason.
//
// Invariants:
//  - ParseWebhookUrl refuses (kValidationError) anything over 2,048 bytes, outside printable ASCII,
//    with a backslash or with user info; what it accepts has a non-empty lower-case host, a port
//    1–65535 and a target starting with '/' that is a suffix of the input (up to its fragment);
//  - an accepted host is an address literal exactly when it parses as one, and then is its
//    canonical text; a host name never ends in a numeric label (no decimal/octal/hex IPv4 forms);
//  - the URL rebuilt from the parts parses to the same parts;
//  - ParseIpAddress round-trips through ToString; an IPv4 address and its IPv4-mapped IPv6 form
//    are judged alike by NonGlobalReason.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/net/ip_address.h"
#include "core/net/webhook_url.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using senderid::net::IpAddress;

bool Printable(std::string_view s) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '\\') return false;
  }
  return true;
}

void CheckAddress(std::string_view text) {
  const auto ip = senderid::net::ParseIpAddress(text);
  if (!ip) return;
  const std::string canonical = senderid::net::ToString(*ip);
  FUZZ_CHECK(senderid::net::ParseIpAddress(canonical) == ip, text);
  FUZZ_CHECK(senderid::net::ToString(*senderid::net::ParseIpAddress(canonical)) == canonical, text);
  if (ip->family == IpAddress::Family::kV4) {
    IpAddress mapped;
    mapped.family = IpAddress::Family::kV6;
    mapped.bytes[10] = mapped.bytes[11] = 0xff;
    for (int i = 0; i < 4; ++i) mapped.bytes[12 + i] = ip->bytes[i];
    FUZZ_CHECK(senderid::net::IsGlobalUnicast(mapped) == senderid::net::IsGlobalUnicast(*ip), text);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckAddress(input);

  const auto url = senderid::net::ParseWebhookUrl(input);
  if (!url.ok()) {
    FUZZ_CHECK(url.error().code == senderid::ErrorCode::kValidationError, input);
    return 0;
  }
  FUZZ_CHECK(input.size() <= senderid::net::kMaxWebhookUrlBytes, input);
  FUZZ_CHECK(Printable(input), input);
  const size_t scheme_end = input.find("://");
  FUZZ_CHECK(scheme_end != std::string_view::npos, input);
  const std::string_view rest = input.substr(scheme_end + 3);
  FUZZ_CHECK(rest.substr(0, rest.find_first_of("/?#")).find('@') == std::string_view::npos, input);

  const auto& u = *url;
  FUZZ_CHECK(!u.host.empty() && u.port >= 1, input);
  for (const char c : u.host) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'), input);
  FUZZ_CHECK(!u.target.empty() && u.target.front() == '/', input);
  const std::string_view before_fragment = input.substr(0, input.find('#'));
  const std::string_view target = u.target;
  FUZZ_CHECK(before_fragment.ends_with(target) || before_fragment.ends_with(target.substr(1)),
             input);

  const auto literal = senderid::net::ParseIpAddress(u.host);
  FUZZ_CHECK(literal.has_value() == u.address.has_value(), input);
  if (u.address) {
    FUZZ_CHECK(*literal == *u.address && senderid::net::ToString(*u.address) == u.host, input);
    (void)senderid::net::NonGlobalReason(*u.address);
  } else {
    // WHATWG's "ends in a number": the last label all decimal digits, or "0x" and hex digits.
    const std::string_view last = std::string_view(u.host).substr(u.host.rfind('.') + 1);
    const bool hex = last.starts_with("0x");
    bool numeric = !last.empty();
    for (const char c : last.substr(hex ? 2 : 0))
      numeric = numeric && ((c >= '0' && c <= '9') || (hex && c >= 'a' && c <= 'f'));
    FUZZ_CHECK(!numeric, input);
  }

  const bool v6 = u.address && u.address->family == IpAddress::Family::kV6;
  const std::string rebuilt = std::string(u.https ? "https://" : "http://") +
                              (v6 ? "[" + u.host + "]" : u.host) + ":" + std::to_string(u.port) +
                              u.target;
  const auto again = senderid::net::ParseWebhookUrl(rebuilt);
  FUZZ_CHECK(again.ok(), rebuilt);
  FUZZ_CHECK(again->https == u.https && again->host == u.host && again->port == u.port &&
                 again->target == u.target && again->address == u.address,
             rebuilt);
  return 0;
}
