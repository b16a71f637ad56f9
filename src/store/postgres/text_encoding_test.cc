// EncodeText/DecodeText: every byte string survives PostgreSQL's text type (no NUL, UTF-8 only).
#include <gtest/gtest.h>

#include <string>

#include "store/postgres/connection.h"

namespace senderid::pg {
namespace {

bool ValidForPostgres(const std::string& s) {
  // No NUL, and PostgreSQL's own idea of UTF-8 is checked by the API suite; here: no NUL and no
  // byte that cannot start or continue a sequence.
  for (unsigned char c : s)
    if (c == 0 || c == 0xC0 || c == 0xC1 || c >= 0xF5) return false;
  return true;
}

TEST(TextEncodingTest, PlainAndWellFormedTextIsStoredAsItIs) {
  for (const std::string s : {"", "DOC2024ABC", "발신번호", "e\u0301.pdf", "\U0001F600"}) {
    EXPECT_EQ(EncodeText(s), s);
    EXPECT_EQ(DecodeText(s), s);
  }
}

TEST(TextEncodingTest, NulMalformedAndEscapeRangeBytesRoundTrip) {
  const std::string cases[] = {
      std::string("a\0/../../b.pdf", 14), std::string("\0", 1), "\xff.pdf", "\xc0\xae\xc0\xae",
      "\xed\xa0\x80",  // a surrogate
      "\xee\x84\x80",  // U+E100 itself: must not decode as an escaped NUL
      "x\xe2\x82", "\xf4\x90\x80\x80"};
  for (const std::string& s : cases) {
    const std::string stored = EncodeText(s);
    EXPECT_TRUE(ValidForPostgres(stored)) << s;
    EXPECT_NE(stored, s);
    EXPECT_EQ(DecodeText(stored), s);
  }
  EXPECT_NE(EncodeText(std::string("a\0", 2)), EncodeText("a"));
}

}  // namespace
}  // namespace senderid::pg
