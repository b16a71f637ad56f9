// Tests for core/webhook_signature and core/base64: the Standard Webhooks test vector (from the
// spec repository, github.com/standard-webhooks/standard-webhooks,
// libraries/python/tests/test_webhooks.py test_sign_function), secrets, and the two-signature
// header after a rotation.

#include "core/webhook_signature.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/base64.h"
#include "crypto/default_crypto.h"
#include "tests/unit/core_testing.h"

namespace senderid {
namespace {

TEST(WebhookSignatureTest, MatchesTheStandardWebhooksTestVector) {
  const DefaultCrypto crypto(test::TestMasterKey());
  const std::optional<std::string> key = WebhookSecretKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->size(), 24u);
  EXPECT_EQ(SignWebhook(crypto, *key, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
                        R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSignatureTest, HeaderListsOneSignaturePerKeyNewestFirst) {
  const DefaultCrypto crypto(test::TestMasterKey());
  const std::string newer = "new-key-bytes", older = "old-key-bytes";
  const std::string a = SignWebhook(crypto, newer, "EVT1", "1700000000", "{}");
  const std::string b = SignWebhook(crypto, older, "EVT1", "1700000000", "{}");
  EXPECT_NE(a, b);
  EXPECT_EQ(WebhookSignatureHeader(crypto, {newer}, "EVT1", "1700000000", "{}"), a);
  EXPECT_EQ(WebhookSignatureHeader(crypto, {newer, older}, "EVT1", "1700000000", "{}"), a + " " + b);
  // id, timestamp and body are all signed.
  EXPECT_NE(SignWebhook(crypto, newer, "EVT2", "1700000000", "{}"), a);
  EXPECT_NE(SignWebhook(crypto, newer, "EVT1", "1700000001", "{}"), a);
  EXPECT_NE(SignWebhook(crypto, newer, "EVT1", "1700000000", "{ }"), a);
}

TEST(WebhookSignatureTest, SecretsAreWhsecAndBase64Of32RandomBytes) {
  test::SeededRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string secret = NewWebhookSecret(random);
    ASSERT_EQ(secret.substr(0, 6), "whsec_");
    EXPECT_EQ(secret.size(), 6u + 44u);
    const std::optional<std::string> key = WebhookSecretKey(secret);
    ASSERT_TRUE(key.has_value()) << secret;
    EXPECT_EQ(key->size(), 32u);
    EXPECT_EQ("whsec_" + Base64Encode(*key), secret);
    seen.insert(secret);
  }
  EXPECT_EQ(seen.size(), 50u);
  for (const char* bad : {"", "whsec_", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!",
                          "whsec_abc", "WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})
    EXPECT_FALSE(WebhookSecretKey(bad).has_value()) << bad;
}

TEST(Base64Test, RoundTripsAndRefusesNonCanonicalText) {
  const struct {
    std::string bytes;
    std::string text;
  } cases[] = {{"", ""},           {"f", "Zg=="},         {"fo", "Zm8="},
               {"foo", "Zm9v"},    {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
               {"foobar", "Zm9vYmFy"}, {std::string("\xff\xfe\x00", 3), "//4A"}};
  for (const auto& c : cases) {
    EXPECT_EQ(Base64Encode(c.bytes), c.text);
    EXPECT_EQ(Base64Decode(c.text), c.bytes) << c.text;
  }
  for (const char* bad : {"Zg", "Zg=", "Zh==", "Zm9=", "Z===", "=Zg=", "Zg==Zg==", "Zm9v\n", "Zm-v"})
    EXPECT_FALSE(Base64Decode(bad).has_value()) << bad;
}

}  // namespace
}  // namespace senderid
