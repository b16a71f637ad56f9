#include "core/net/webhook_url.h"

namespace senderid::net {
namespace {

Error Invalid(std::string why) { return Error(ErrorCode::kValidationError, "'url' " + why); }

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A label that some parser would read as a number: all decimal digits, or 0x followed by hex.
bool NumericLabel(std::string_view label) {
  if (label.empty()) return false;
  if (label.size() >= 2 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X')) {
    for (char c : label.substr(2))
      if (!IsDigit(c) && !((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
    return true;
  }
  for (char c : label)
    if (!IsDigit(c)) return false;
  return true;
}

// A DNS name: labels of letters, digits, '-' and '_' (not at a label's ends for '-'), 1–63 bytes,
// 253 in all, no empty label (so no trailing dot).
bool ValidHostName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  size_t start = 0;
  while (start <= host.size()) {
    size_t end = host.find('.', start);
    if (end == std::string_view::npos) end = host.size();
    const std::string_view label = host.substr(start, end - start);
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!IsAlpha(c) && !IsDigit(c) && c != '-' && c != '_') return false;
    start = end + 1;
    if (end == host.size()) break;
  }
  return true;
}

}  // namespace

Result<WebhookUrl> ParseWebhookUrl(std::string_view url) {
  if (url.empty()) return Invalid("must not be empty");
  if (url.size() > kMaxWebhookUrlBytes) return Invalid("must be at most 2048 bytes");
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return Invalid("must be printable ASCII without spaces");
    if (c == '\\') return Invalid("must not contain a backslash");
  }
  const size_t colon = url.find("://");
  if (colon == std::string_view::npos) return Invalid("must start with http:// or https://");
  std::string scheme;
  for (char c : url.substr(0, colon)) scheme += Lower(c);
  WebhookUrl out;
  if (scheme == "https") out.https = true;
  else if (scheme != "http") return Invalid("must use http or https");

  const std::string_view rest = url.substr(colon + 3);
  const size_t authority_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, authority_end);
  std::string_view after =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) return Invalid("must not carry user info");
  if (authority.empty()) return Invalid("needs a host");

  std::string_view host_text;
  std::string_view port_text;
  bool has_port = false;
  if (authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Invalid("has an unclosed '['");
    host_text = authority.substr(1, close - 1);
    const std::string_view tail = authority.substr(close + 1);
    if (!tail.empty()) {
      if (tail.front() != ':') return Invalid("has text after the IPv6 address");
      has_port = true;
      port_text = tail.substr(1);
    }
    if (host_text.find('%') != std::string_view::npos) return Invalid("must not name a zone");
    const std::optional<IpAddress> v6 = ParseIpv6(host_text);
    if (!v6) return Invalid("has a malformed IPv6 address");
    out.address = *v6;
    out.host = ToString(*v6);
  } else {
    const size_t port_colon = authority.find(':');
    host_text = authority.substr(0, port_colon);
    if (port_colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(port_colon + 1);
    }
    if (!ValidHostName(host_text)) return Invalid("has an invalid host name");
    for (char c : host_text) out.host += Lower(c);
    // A host whose last label is a number is an IPv4 address to URL parsers (WHATWG): accept
    // only the canonical dotted quad, never 2130706433, 0x7f.1, 0177.0.0.1 or 127.1.
    const size_t last_dot = out.host.rfind('.');
    const std::string_view last =
        last_dot == std::string::npos ? std::string_view(out.host)
                                      : std::string_view(out.host).substr(last_dot + 1);
    if (NumericLabel(last)) {
      const std::optional<IpAddress> v4 = ParseIpv4(out.host);
      if (!v4) return Invalid("must write an IPv4 address as four decimal numbers (a.b.c.d)");
      out.address = *v4;
    }
  }
  if (has_port) {
    if (port_text.empty() || port_text.size() > 5) return Invalid("has an invalid port");
    int port = 0;
    for (char c : port_text) {
      if (!IsDigit(c)) return Invalid("has an invalid port");
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) return Invalid("has an invalid port");
    out.port = static_cast<uint16_t>(port);
  } else {
    out.port = out.https ? 443 : 80;
  }
  const size_t fragment = after.find('#');
  if (fragment != std::string_view::npos) after = after.substr(0, fragment);
  out.target = after.empty() ? std::string("/") : std::string(after);
  if (out.target.front() == '?') out.target.insert(out.target.begin(), '/');
  return out;
}

}  // namespace senderid::net
