// Tests for the lenient Authorization header parser of SPEC §2.

#include "core/authorization.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace senderid {
namespace {

constexpr std::string_view kKey = "NCSAAAAAAAAAAAAA";
constexpr std::string_view kDate = "2021-02-19T05:12:34Z";
constexpr std::string_view kSalt = "abcdef0123456";
constexpr std::string_view kSig = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

std::string Canonical(std::string_view method = "HMAC-SHA256") {
  return std::string(method) + " apiKey=" + std::string(kKey) + ", date=" + std::string(kDate) +
         ", salt=" + std::string(kSalt) + ", signature=" + std::string(kSig);
}

TEST(ParseAuthorizationHeaderTest, Canonical) {
  Result<AuthorizationHeader> h = ParseAuthorizationHeader(Canonical());
  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ(h->algorithm, MacAlgorithm::kHmacSha256);
  EXPECT_EQ(h->api_key, kKey);
  EXPECT_EQ(h->date, kDate);
  EXPECT_EQ(h->salt, kSalt);
  EXPECT_EQ(h->signature, kSig);
}

TEST(ParseAuthorizationHeaderTest, LenientVariantsAllParseToTheSameParts) {
  struct Case {
    std::string header;
    MacAlgorithm algorithm;
    std::string_view why;
  };
  const std::string k(kKey), d(kDate), s(kSalt), g(kSig);
  std::string upper_sig = g;
  for (char& c : upper_sig)
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  const std::vector<Case> cases = {
      {Canonical("HMAC-MD5"), MacAlgorithm::kHmacMd5, "MD5"},
      {Canonical("hmac-sha256"), MacAlgorithm::kHmacSha256, "method lower case"},
      {Canonical("Hmac-Md5"), MacAlgorithm::kHmacMd5, "method mixed case"},
      {"HMAC-SHA256 ApiKey=" + k + ", Date=" + d + ", Salt=" + s + ", Signature=" + g,
       MacAlgorithm::kHmacSha256, "Python / old Java key names"},
      {"HMAC-SHA256 APIKEY=" + k + ", DATE=" + d + ", SALT=" + s + ", SIGNATURE=" + g,
       MacAlgorithm::kHmacSha256, "upper-case key names"},
      {"HMAC-SHA256 apiKey=" + k + ",date=" + d + ",salt=" + s + ",signature=" + g,
       MacAlgorithm::kHmacSha256, "no spaces after commas"},
      {"  HMAC-SHA256   apiKey = " + k + " ,   date=  " + d + "  , salt=" + s +
           " ,signature=" + g + "   ",
       MacAlgorithm::kHmacSha256, "extra spaces everywhere"},
      {"HMAC-SHA256 signature=" + g + ", salt=" + s + ", date=" + d + ", apiKey=" + k,
       MacAlgorithm::kHmacSha256, "any order"},
      {"HMAC-SHA256 apiKey=" + k + ", version=2, date=" + d + ", salt=" + s +
           ", signature=" + g + ", extra=x=y",
       MacAlgorithm::kHmacSha256, "unknown keys ignored"},
      {"HMAC-SHA256 apiKey=" + k + ", date=" + d + ", salt=" + s + ", signature=" + upper_sig,
       MacAlgorithm::kHmacSha256, "upper-case hex signature"},
      {"HMAC-SHA256 apiKey=" + k + ", , date=" + d + ", salt=" + s + ", signature=" + g + ",",
       MacAlgorithm::kHmacSha256, "empty parts"},
      {"HMAC-SHA256 apiKey=" + k + ", date=" + d + ", salt=" + s + ", signature=" + g +
           ", noequals",
       MacAlgorithm::kHmacSha256, "a part without '=' is ignored"},
  };
  for (const Case& c : cases) {
    Result<AuthorizationHeader> h = ParseAuthorizationHeader(c.header);
    ASSERT_TRUE(h.ok()) << c.why << ": " << h.error().message << "\n" << c.header;
    EXPECT_EQ(h->algorithm, c.algorithm) << c.why;
    EXPECT_EQ(h->api_key, kKey) << c.why;
    EXPECT_EQ(h->date, kDate) << c.why;
    EXPECT_EQ(h->salt, kSalt) << c.why;
    EXPECT_EQ(h->signature, kSig) << c.why << " (signature must come out lowercased)";
  }
}

TEST(ParseAuthorizationHeaderTest, DateAndSaltKeptExactlyAsSent) {
  // The signature covers the bytes as sent; the parser must not re-format them.
  const std::string header = "HMAC-SHA256 apiKey=" + std::string(kKey) +
                             ", date=2021-04-19T15:30:45.123+0900, salt=AbC-_.:~!XyZ, signature=" +
                             std::string(kSig);
  Result<AuthorizationHeader> h = ParseAuthorizationHeader(header);
  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ(h->date, "2021-04-19T15:30:45.123+0900");
  EXPECT_EQ(h->salt, "AbC-_.:~!XyZ");
}

TEST(ParseAuthorizationHeaderTest, SaltLengthBounds) {
  auto with_salt = [](const std::string& salt) {
    return "HMAC-SHA256 apiKey=" + std::string(kKey) + ", date=" + std::string(kDate) +
           ", salt=" + salt + ", signature=" + std::string(kSig);
  };
  EXPECT_TRUE(ParseAuthorizationHeader(with_salt(std::string(10, 'a'))).ok());
  EXPECT_TRUE(ParseAuthorizationHeader(with_salt(std::string(64, 'a'))).ok());
  EXPECT_TRUE(ParseAuthorizationHeader(with_salt("5f1c0d3e8a9b2")).ok()) << "PHP: 13 hex";
}

TEST(ParseAuthorizationHeaderTest, RejectionsAreInvalidAPIKey) {
  const std::string k(kKey), d(kDate), s(kSalt), g(kSig);
  auto parts = [&](const std::string& salt) {
    return "HMAC-SHA256 apiKey=" + k + ", date=" + d + ", salt=" + salt + ", signature=" + g;
  };
  struct Case {
    std::string header;
    std::string_view why;
  };
  const std::vector<Case> cases = {
      {"", "empty"},
      {"   ", "blank"},
      {"HMAC-SHA256", "method only"},
      {"HMAC-SHA256 ", "method and a space"},
      {"apiKey=" + k + ", date=" + d + ", salt=" + s + ", signature=" + g, "no method"},
      {"HMAC-SHA1 apiKey=" + k + ", date=" + d + ", salt=" + s + ", signature=" + g,
       "unknown method"},
      {"Bearer abc", "another scheme"},
      {"HMAC-SHA512 apiKey=" + k + ", date=" + d + ", salt=" + s + ", signature=" + g,
       "SHA512 is not offered"},
      {"HMAC-SHA256 date=" + d + ", salt=" + s + ", signature=" + g, "missing apiKey"},
      {"HMAC-SHA256 apiKey=, date=" + d + ", salt=" + s + ", signature=" + g, "empty apiKey"},
      {"HMAC-SHA256 apiKey=" + k + ", salt=" + s + ", signature=" + g, "missing date"},
      {"HMAC-SHA256 apiKey=" + k + ", date=, salt=" + s + ", signature=" + g, "empty date"},
      {"HMAC-SHA256 apiKey=" + k + ", date=" + d + ", signature=" + g, "missing salt"},
      {"HMAC-SHA256 apiKey=" + k + ", date=" + d + ", salt=" + s, "missing signature"},
      {"HMAC-SHA256 apiKey=" + k + ", date=" + d + ", salt=" + s + ", signature=",
       "empty signature"},
      {parts(std::string(9, 'a')), "salt of 9"},
      {parts(""), "empty salt"},
      {parts(std::string(65, 'a')), "salt of 65"},
      {parts("abcde fghijk"), "salt with a space"},
      {parts("abcde\tfghijk"), "salt with a tab"},
      {parts("abcdefghijk=="), "salt with '='"},
      {"HMAC-SHA256apiKey=" + k + ", date=" + d + ", salt=" + s + ", signature=" + g,
       "no space after the method"},
  };
  for (const Case& c : cases) {
    Result<AuthorizationHeader> h = ParseAuthorizationHeader(c.header);
    ASSERT_FALSE(h.ok()) << c.why << ": accepted\n" << c.header;
    EXPECT_EQ(h.error().code, ErrorCode::kInvalidAPIKey) << c.why;
  }
}

}  // namespace
}  // namespace senderid
