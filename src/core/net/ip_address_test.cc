// Tests for core/net/ip_address: strict parsing of IPv4 and IPv6 text, RFC 5952 formatting, and
// the classification of the IANA special-purpose registries (SPEC §12 SSRF guard), table-driven.

#include "core/net/ip_address.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace senderid::net {
namespace {

struct Case {
  std::string_view text;
  bool global;
  std::string_view reason;  // expected NonGlobalReason when not global ("" = any)
};

TEST(IpAddressTest, ClassifiesByTheIanaSpecialPurposeRegistries) {
  const Case cases[] = {
      // IPv4: global unicast.
      {"8.8.8.8", true, ""},
      {"1.1.1.1", true, ""},
      {"93.184.216.34", true, ""},
      {"100.63.255.255", true, ""},   // just below CGNAT
      {"100.128.0.0", true, ""},      // just above CGNAT
      {"172.15.255.255", true, ""},
      {"172.32.0.0", true, ""},
      {"198.17.255.255", true, ""},
      {"198.20.0.0", true, ""},
      {"223.255.255.255", true, ""},
      // IPv4: not global.
      {"0.0.0.0", false, "unspecified"},
      {"0.1.2.3", false, "this network"},
      {"10.0.0.1", false, "private"},
      {"100.64.0.1", false, "shared (CGNAT)"},
      {"100.127.255.255", false, "shared (CGNAT)"},
      {"127.0.0.1", false, "loopback"},
      {"127.255.255.254", false, "loopback"},
      {"169.254.169.254", false, "link-local"},  // cloud metadata
      {"172.16.0.1", false, "private"},
      {"172.31.255.255", false, "private"},
      {"192.0.0.8", false, ""},
      {"192.0.2.10", false, "documentation"},
      {"192.168.1.1", false, "private"},
      {"198.18.0.1", false, "benchmarking"},
      {"198.19.255.255", false, "benchmarking"},
      {"198.51.100.7", false, "documentation"},
      {"203.0.113.9", false, "documentation"},
      {"224.0.0.1", false, "multicast"},
      {"239.255.255.250", false, "multicast"},
      {"240.0.0.1", false, "reserved"},
      {"255.255.255.255", false, "reserved"},
      // IPv6: global unicast.
      {"2606:4700:4700::1111", true, ""},
      {"2a00:1450:4001:80b::200e", true, ""},
      // IPv6: not global.
      {"::", false, "unspecified"},
      {"::1", false, "loopback"},
      {"fe80::1", false, "link-local"},
      {"febf::1", false, "link-local"},
      {"fec0::1", false, "site-local"},
      {"fc00::1", false, ""},
      {"fd12:3456:789a::1", false, ""},
      {"ff02::1", false, "multicast"},
      {"2001:db8::1", false, "documentation"},
      {"2001::1", false, ""},          // Teredo, in 2001::/23
      {"2002:7f00:1::1", false, "6to4"},
      {"3fff::1", false, "documentation"},
      {"100::1", false, "reserved"},   // discard-only, outside 2000::/3
      {"4000::1", false, "reserved"},
      // IPv4-mapped, -compatible and NAT64 forms: judged by the IPv4 address inside.
      {"::ffff:127.0.0.1", false, "loopback"},
      {"::ffff:7f00:1", false, "loopback"},
      {"::ffff:10.1.2.3", false, "private"},
      {"::ffff:169.254.169.254", false, "link-local"},
      {"::ffff:0.0.0.0", false, "unspecified"},
      {"::ffff:8.8.8.8", true, ""},
      {"::127.0.0.1", false, "loopback"},
      {"::10.0.0.1", false, "private"},
      {"::8.8.8.8", true, ""},
      {"64:ff9b::127.0.0.1", false, "loopback"},
      {"64:ff9b::a00:1", false, "private"},
      {"64:ff9b::8.8.8.8", true, ""},
      {"64:ff9b:1::8.8.8.8", false, "NAT64 local-use"},
  };
  for (const Case& c : cases) {
    const std::optional<IpAddress> a = ParseIpAddress(c.text);
    ASSERT_TRUE(a.has_value()) << c.text;
    EXPECT_EQ(IsGlobalUnicast(*a), c.global) << c.text << ": " << NonGlobalReason(*a);
    if (!c.global && !c.reason.empty()) {
      EXPECT_EQ(NonGlobalReason(*a), c.reason) << c.text;
    }
  }
}

TEST(IpAddressTest, Ipv4TextIsOnlyTheCanonicalDottedQuad) {
  for (std::string_view ok : {"0.0.0.0", "1.2.3.4", "255.255.255.255", "10.0.0.10"})
    EXPECT_TRUE(ParseIpv4(ok).has_value()) << ok;
  for (std::string_view bad :
       {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.04", "0x7f.0.0.1", "127.1",
        "2130706433", "1.2.3.4 ", " 1.2.3.4", "1..2.3", "1.2.3.", "1.2.3.-4", "1.2.3.4/8",
        "1234.1.1.1"})
    EXPECT_FALSE(ParseIpv4(bad).has_value()) << bad;
}

TEST(IpAddressTest, Ipv6TextFollowsRfc4291) {
  struct Text {
    std::string_view in;
    std::string_view canonical;
  };
  const Text good[] = {
      {"::", "::"},
      {"::1", "::1"},
      {"1::", "1::"},
      {"2001:DB8::1", "2001:db8::1"},
      {"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
      {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
      {"1::8", "1::8"},
      {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
      {"::ffff:1.2.3.4", "::ffff:102:304"},
      {"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"},
  };
  for (const Text& t : good) {
    const std::optional<IpAddress> a = ParseIpv6(t.in);
    ASSERT_TRUE(a.has_value()) << t.in;
    EXPECT_EQ(ToString(*a), t.canonical) << t.in;
    EXPECT_EQ(ParseIpv6(ToString(*a)), a) << t.in;
  }
  for (std::string_view bad :
       {"", ":", ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::",
        "g::1", ":1::", "1::2:", "::1.2.3", "1.2.3.4::", "::1.2.3.4:5", "fe80::1%eth0",
        "[::1]", "1:2:3:4:5:6:7:1.2.3.4", "::ffff:01.2.3.4"})
    EXPECT_FALSE(ParseIpv6(bad).has_value()) << bad;
}

}  // namespace
}  // namespace senderid::net
