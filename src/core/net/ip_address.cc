#include "core/net/ip_address.h"

#include <vector>

namespace senderid::net {
namespace {

struct V4Block {
  uint8_t a, b, c, d;
  int prefix;
  std::string_view reason;
};

// IANA IPv4 Special-Purpose Address Registry: the blocks that are not globally reachable, plus
// multicast (224/4) and the reserved/broadcast block (240/4).
constexpr V4Block kV4Blocks[] = {
    {0, 0, 0, 0, 8, "this network"},
    {10, 0, 0, 0, 8, "private"},
    {100, 64, 0, 0, 10, "shared (CGNAT)"},
    {127, 0, 0, 0, 8, "loopback"},
    {169, 254, 0, 0, 16, "link-local"},
    {172, 16, 0, 0, 12, "private"},
    {192, 0, 0, 0, 24, "IETF protocol assignments"},
    {192, 0, 2, 0, 24, "documentation"},
    {192, 88, 99, 0, 24, "6to4 relay anycast"},
    {192, 168, 0, 0, 16, "private"},
    {198, 18, 0, 0, 15, "benchmarking"},
    {198, 51, 100, 0, 24, "documentation"},
    {203, 0, 113, 0, 24, "documentation"},
    {224, 0, 0, 0, 4, "multicast"},
    {240, 0, 0, 0, 4, "reserved"},
};

bool InPrefix(const uint8_t* address, const uint8_t* block, int prefix) {
  for (int bit = 0; bit < prefix; ++bit) {
    const int byte = bit / 8;
    const int mask = 0x80 >> (bit % 8);
    if ((address[byte] & mask) != (block[byte] & mask)) return false;
  }
  return true;
}

std::string_view V4Reason(const uint8_t* a) {
  if (a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0) return "unspecified";
  for (const V4Block& b : kV4Blocks) {
    const uint8_t block[4] = {b.a, b.b, b.c, b.d};
    if (InPrefix(a, block, b.prefix)) return b.reason;
  }
  return "";
}

struct V6Block {
  std::array<uint8_t, 16> bytes;
  int prefix;
  std::string_view reason;
};

// Blocks inside 2000::/3 (IANA IPv6 Special-Purpose Address Registry) that are not global; the
// rest of the space outside 2000::/3 is refused as a whole.
const std::vector<V6Block>& V6Blocks() {
  static const std::vector<V6Block> blocks = {
      {{0x20, 0x01, 0x0d, 0xb8}, 32, "documentation"},
      {{0x20, 0x01}, 23, "IETF protocol assignments"},
      {{0x20, 0x02}, 16, "6to4"},
      {{0x3f, 0xff}, 20, "documentation"},
  };
  return blocks;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

IpAddress IpAddress::V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  IpAddress ip;
  ip.family = Family::kV4;
  ip.bytes[0] = a;
  ip.bytes[1] = b;
  ip.bytes[2] = c;
  ip.bytes[3] = d;
  return ip;
}

std::optional<IpAddress> ParseIpv4(std::string_view text) {
  IpAddress ip;
  size_t pos = 0;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (pos >= text.size() || text[pos] != '.') return std::nullopt;
      ++pos;
    }
    const size_t start = pos;
    int value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 3) {
      value = value * 10 + (text[pos] - '0');
      ++pos;
    }
    const size_t digits = pos - start;
    if (digits == 0 || value > 255) return std::nullopt;
    if (digits > 1 && text[start] == '0') return std::nullopt;  // leading zero: octal elsewhere
    ip.bytes[static_cast<size_t>(octet)] = static_cast<uint8_t>(value);
  }
  if (pos != text.size()) return std::nullopt;
  return ip;
}

std::optional<IpAddress> ParseIpv6(std::string_view text) {
  if (text.empty()) return std::nullopt;
  uint16_t groups[8] = {};
  int count = 0;        // groups written
  int gap = -1;         // index in groups where "::" stands
  size_t pos = 0;
  if (text.substr(0, 2) == "::") {
    gap = 0;
    pos = 2;
    if (pos == text.size()) {
      IpAddress ip;
      ip.family = IpAddress::Family::kV6;
      return ip;
    }
  } else if (text[0] == ':') {
    return std::nullopt;
  }
  while (pos < text.size()) {
    // A dotted-quad tail takes the last two groups.
    const size_t next_colon = text.find(':', pos);
    const std::string_view piece =
        text.substr(pos, next_colon == std::string_view::npos ? std::string_view::npos
                                                              : next_colon - pos);
    if (piece.find('.') != std::string_view::npos) {
      if (next_colon != std::string_view::npos || count > 6) return std::nullopt;
      const std::optional<IpAddress> v4 = ParseIpv4(piece);
      if (!v4) return std::nullopt;
      groups[count++] = static_cast<uint16_t>(v4->bytes[0] << 8 | v4->bytes[1]);
      groups[count++] = static_cast<uint16_t>(v4->bytes[2] << 8 | v4->bytes[3]);
      pos = text.size();
      break;
    }
    if (piece.empty() || piece.size() > 4 || count >= 8) return std::nullopt;
    uint16_t value = 0;
    for (char c : piece) {
      const int h = HexValue(c);
      if (h < 0) return std::nullopt;
      value = static_cast<uint16_t>(value << 4 | h);
    }
    groups[count++] = value;
    pos += piece.size();
    if (pos == text.size()) break;
    // pos is at a ':'.
    if (text.substr(pos, 2) == "::") {
      if (gap >= 0) return std::nullopt;
      gap = count;
      pos += 2;
      if (pos == text.size()) break;
    } else {
      ++pos;
      if (pos == text.size()) return std::nullopt;  // a trailing single ':'
    }
  }
  if (gap < 0 && count != 8) return std::nullopt;
  if (gap >= 0 && count > 7) return std::nullopt;  // "::" stands for at least one group
  IpAddress ip;
  ip.family = IpAddress::Family::kV6;
  uint16_t full[8] = {};
  if (gap < 0) {
    for (int i = 0; i < 8; ++i) full[i] = groups[i];
  } else {
    const int tail = count - gap;
    for (int i = 0; i < gap; ++i) full[i] = groups[i];
    for (int i = 0; i < tail; ++i) full[8 - tail + i] = groups[gap + i];
  }
  for (int i = 0; i < 8; ++i) {
    ip.bytes[static_cast<size_t>(2 * i)] = static_cast<uint8_t>(full[i] >> 8);
    ip.bytes[static_cast<size_t>(2 * i + 1)] = static_cast<uint8_t>(full[i] & 0xFF);
  }
  return ip;
}

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  if (text.find(':') != std::string_view::npos) return ParseIpv6(text);
  return ParseIpv4(text);
}

std::string ToString(const IpAddress& a) {
  if (a.family == IpAddress::Family::kV4)
    return std::to_string(a.bytes[0]) + "." + std::to_string(a.bytes[1]) + "." +
           std::to_string(a.bytes[2]) + "." + std::to_string(a.bytes[3]);
  uint16_t g[8];
  for (int i = 0; i < 8; ++i)
    g[i] = static_cast<uint16_t>(a.bytes[static_cast<size_t>(2 * i)] << 8 |
                                 a.bytes[static_cast<size_t>(2 * i + 1)]);
  // RFC 5952: compress the longest run of two or more zero groups (the first of equal runs).
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const int nibble = g[i] >> shift & 0xF;
      if (nibble == 0 && !started && shift > 0) continue;
      started = true;
      out += kHex[nibble];
    }
  }
  return out;
}

std::string_view NonGlobalReason(const IpAddress& a) {
  if (a.family == IpAddress::Family::kV4) return V4Reason(a.bytes.data());
  const uint8_t* b = a.bytes.data();
  const auto zero = [&](int from, int to) {
    for (int i = from; i < to; ++i)
      if (b[i] != 0) return false;
    return true;
  };
  // IPv4-compatible ::a.b.c.d (:: and ::1 included: 0.0.0.0/8) and IPv4-mapped ::ffff:a.b.c.d.
  if (zero(0, 10) && ((b[10] == 0 && b[11] == 0) || (b[10] == 0xff && b[11] == 0xff))) {
    if (zero(0, 15) && b[15] == 0) return "unspecified";
    if (zero(0, 15) && b[15] == 1) return "loopback";
    const std::string_view v4 = V4Reason(b + 12);
    return v4;
  }
  // NAT64 well-known prefix 64:ff9b::/96 carries an IPv4 address; 64:ff9b:1::/48 is local-use.
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) {
    if (zero(4, 12)) return V4Reason(b + 12);
    if (b[4] == 0x00 && b[5] == 0x01) return "NAT64 local-use";
  }
  if (b[0] == 0xff) return "multicast";
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "link-local";
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return "site-local";
  if ((b[0] & 0xfe) == 0xfc) return "unique local (private)";
  if ((b[0] & 0xe0) != 0x20) return "reserved";  // outside 2000::/3
  for (const V6Block& block : V6Blocks())
    if (InPrefix(b, block.bytes.data(), block.prefix)) return block.reason;
  return "";
}

}  // namespace senderid::net
