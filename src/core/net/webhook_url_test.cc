// Tests for core/net/webhook_url: the URL rules of SPEC §12 (scheme, length, user info, canonical
// host, port), table-driven.

#include "core/net/webhook_url.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace senderid::net {
namespace {

TEST(WebhookUrlTest, AcceptsHttpAndHttpsInAnyCaseWithTheirParts) {
  struct Good {
    std::string_view url;
    bool https;
    std::string_view host;
    uint16_t port;
    std::string_view target;
    bool literal;
  };
  const Good cases[] = {
      {"https://hooks.example.com/senderid", true, "hooks.example.com", 443, "/senderid", false},
      {"HTTP://Hooks.Example.COM:8080/a?b=c&d", false, "hooks.example.com", 8080, "/a?b=c&d", false},
      {"HtTpS://example.com", true, "example.com", 443, "/", false},
      {"http://example.com?x=1", false, "example.com", 80, "/?x=1", false},
      {"http://example.com/p#frag", false, "example.com", 80, "/p", false},
      {"http://127.0.0.1:9/x", false, "127.0.0.1", 9, "/x", true},
      {"http://[::1]:8080/", false, "::1", 8080, "/", true},
      {"https://[2001:DB8::1]/hook", true, "2001:db8::1", 443, "/hook", true},
      {"http://my_host.internal-1.example/", false, "my_host.internal-1.example", 80, "/", false},
      {"http://localhost:65535/", false, "localhost", 65535, "/", false},
      {"http://x1.example.2com/", false, "x1.example.2com", 80, "/", false},
  };
  for (const Good& c : cases) {
    Result<WebhookUrl> u = ParseWebhookUrl(c.url);
    ASSERT_TRUE(u.ok()) << c.url << ": " << u.error().message;
    EXPECT_EQ(u->https, c.https) << c.url;
    EXPECT_EQ(u->host, c.host) << c.url;
    EXPECT_EQ(u->port, c.port) << c.url;
    EXPECT_EQ(u->target, c.target) << c.url;
    EXPECT_EQ(u->address.has_value(), c.literal) << c.url;
  }
}

TEST(WebhookUrlTest, RefusesEverythingElseWithValidationError) {
  const std::string too_long = "https://example.com/" + std::string(2048 - 20 + 1, 'a');
  ASSERT_EQ(too_long.size(), 2049u);
  const std::string longest = "https://example.com/" + std::string(2048 - 20, 'a');
  EXPECT_TRUE(ParseWebhookUrl(longest).ok());
  const std::string bad[] = {
      "",
      too_long,
      "ftp://example.com/",
      "file:///etc/passwd",
      "gopher://example.com/",
      "javascript:alert(1)",
      "example.com/hook",
      "//example.com/",
      "https:/example.com/",
      "https://user:pass@example.com/",
      "https://user@example.com/",
      "https://example.com@evil.example/",
      "https:///path",
      "https://:443/",
      "https://example.com:/",
      "https://example.com:0/",
      "https://example.com:65536/",
      "https://example.com:443x/",
      "https://example.com:-1/",
      "https://exa mple.com/",
      "https://example.com/a b",
      "https://example.com/\x7f",
      "https://ex\xc3\xa4mple.com/",
      "https://example.com\\@evil.example/",
      "https://example..com/",
      "https://.example.com/",
      "https://example.com./",
      "https://-example.com/",
      "https://example-.com/",
      "https://exa%6dple.com/",
      "https://2130706433/",
      "https://0x7f000001/",
      "https://0x7f.0.0.1/",
      "https://0177.0.0.1/",
      "https://127.1/",
      "https://127.0.1/",
      "https://127.000.000.001/",
      "https://1.2.3.4.5/",
      "https://256.0.0.1/",
      "https://example.123/",
      "https://example.0x1f/",
      "https://[::1/",
      "https://[::1]x/",
      "https://[fe80::1%25eth0]/",
      "https://[::1%eth0]/",
      "https://[1.2.3.4]/",
      "https://[zz::1]/",
      std::string("https://") + std::string(64, 'a') + ".example.com/",
  };
  for (const std::string& url : bad) {
    Result<WebhookUrl> u = ParseWebhookUrl(url);
    EXPECT_FALSE(u.ok()) << url;
    if (!u.ok()) {
      EXPECT_EQ(u.error().code, ErrorCode::kValidationError) << url;
      EXPECT_NE(u.error().message.find("'url'"), std::string::npos) << u.error().message;
    }
  }
}

}  // namespace
}  // namespace senderid::net
