// Tests for SPEC §6 sender-number validation and the §1 separator stripping.

#include "core/phone_number.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace senderid {
namespace {

using K = NumberKind;

struct Case {
  std::string_view digits;
  bool valid;
  NumberKind kind;
  std::string_view why;  // why the table expects this: printed on failure
};

// Every case is digits only; normalization is tested separately below.
const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      // --- mobile ---
      {"01012345678", true, K::kMobile, "010 + 8 digits"},
      {"0101234567", true, K::kMobile, "010 + 7 digits (old 3-digit exchange)"},
      {"01015881234", true, K::kMobile, "010 + 1588...: no glued rule for mobile"},
      {"0111234567", true, K::kMobile, "legacy 011 + 7"},
      {"01112345678", true, K::kMobile, "legacy 011 + 8"},
      {"0161234567", true, K::kMobile, "legacy 016"},
      {"0171234567", true, K::kMobile, "legacy 017"},
      {"0181234567", true, K::kMobile, "legacy 018"},
      {"01912345678", true, K::kMobile, "legacy 019 + 8"},
      {"010123456", false, K::kMobile, "010 + 6 digits: too short"},
      {"010123456789", false, K::kMobile, "010 + 9 digits: too long"},
      {"01212345678", false, K::kUnknown, "012 is not a mobile prefix"},
      {"01312345678", false, K::kUnknown, "013 is not a mobile prefix"},
      {"01412345678", false, K::kUnknown, "014 is not a mobile prefix"},
      {"01512345678", false, K::kUnknown, "015 is not a mobile prefix"},
      {"0101234", false, K::kUnknown, "7 digits total: shorter than 8"},
      // --- Seoul landline ---
      {"0212345678", true, K::kSeoulLandline, "02 + 8 digits"},
      {"021234567", true, K::kSeoulLandline, "02 + 7 digits (SPEC example)"},
      {"021581234", true, K::kSeoulLandline, "02 + 7-digit part starting 15: ordinary"},
      {"021681234", true, K::kSeoulLandline, "02 + 7-digit part starting 16: ordinary"},
      {"021881234", true, K::kSeoulLandline, "02 + 7-digit part starting 18: ordinary"},
      {"0217001234", true, K::kSeoulLandline, "02 + 8-digit part starting 17: not representative"},
      {"0219001234", true, K::kSeoulLandline, "02 + 8-digit part starting 19"},
      {"0215881234", false, K::kSeoulLandline, "02 + 1588xxxx: glued representative"},
      {"0216441234", false, K::kSeoulLandline, "02 + 1644xxxx: glued representative"},
      {"0218001234", false, K::kSeoulLandline, "02 + 1800xxxx: glued representative"},
      {"02123456", false, K::kSeoulLandline, "02 + 6 digits"},
      {"02123456789", false, K::kSeoulLandline, "02 + 9 digits"},
      {"021588123456", false, K::kSeoulLandline, "02 + representative + extension"},
      // --- other landlines ---
      {"0311234567", true, K::kLandline, "031 + 7"},
      {"03112345678", true, K::kLandline, "031 + 8"},
      {"0321234567", true, K::kLandline, "032 Incheon"},
      {"0331234567", true, K::kLandline, "033 Gangwon"},
      {"0411234567", true, K::kLandline, "041"},
      {"0421234567", true, K::kLandline, "042 Daejeon"},
      {"0431234567", true, K::kLandline, "043"},
      {"04412345678", true, K::kLandline, "044 Sejong + 8"},
      {"0511234567", true, K::kLandline, "051 Busan"},
      {"0521234567", true, K::kLandline, "052"},
      {"0531234567", true, K::kLandline, "053"},
      {"0541234567", true, K::kLandline, "054"},
      {"05512345678", true, K::kLandline, "055 + 8"},
      {"0611234567", true, K::kLandline, "061"},
      {"0621234567", true, K::kLandline, "062 Gwangju"},
      {"0631234567", true, K::kLandline, "063"},
      {"06412345678", true, K::kLandline, "064 Jeju + 8"},
      {"0311581234", true, K::kLandline, "031 + 7-digit part starting 15: ordinary"},
      {"03115881234", false, K::kLandline, "031 + 1588xxxx: glued representative"},
      {"05116001234", false, K::kLandline, "051 + 1600xxxx: glued representative"},
      {"06418991234", false, K::kLandline, "064 + 1899xxxx: glued representative"},
      {"031123456", false, K::kLandline, "031 + 6 digits"},
      {"031123456789", false, K::kLandline, "031 + 9 digits"},
      {"0341234567", false, K::kUnknown, "034 is not an area code"},
      {"0351234567", false, K::kUnknown, "035 is not an area code"},
      {"0401234567", false, K::kUnknown, "040 is not an area code"},
      {"0451234567", false, K::kUnknown, "045 is not an area code"},
      {"0561234567", false, K::kUnknown, "056 is not an area code"},
      {"0601234567", false, K::kUnknown, "060 (paid information) is not allowed"},
      {"0651234567", false, K::kUnknown, "065 is not an area code"},
      // --- representative ---
      {"15881234", true, K::kRepresentative, "1588 representative"},
      {"15441234", true, K::kRepresentative, "1544 representative"},
      {"16001234", true, K::kRepresentative, "1600 representative"},
      {"16611234", true, K::kRepresentative, "1661 representative"},
      {"18001234", true, K::kRepresentative, "1800 representative"},
      {"18991234", true, K::kRepresentative, "1899 representative"},
      {"158812345", false, K::kRepresentative, "representative + 1-digit extension"},
      {"15881234567", false, K::kRepresentative, "representative + 3-digit extension"},
      {"1588123", false, K::kUnknown, "7 digits: too short"},
      {"13001234", false, K::kUnknown, "13xx is not a representative prefix"},
      {"17001234", false, K::kUnknown, "17xx is not a representative prefix"},
      {"19001234", false, K::kUnknown, "19xx is not a representative prefix"},
      {"10001234", false, K::kUnknown, "10xx is not a representative prefix"},
      // --- common service ---
      {"07012345678", true, K::kCommonService, "070 + 8"},
      {"0701234567", true, K::kCommonService, "070 + 7"},
      {"07015881234", true, K::kCommonService, "070 + 1588...: no glued rule"},
      {"08012345678", true, K::kCommonService, "080 + 8"},
      {"0801234567", true, K::kCommonService, "080 + 7"},
      {"070123456", false, K::kCommonService, "070 + 6"},
      {"070123456789", false, K::kCommonService, "070 + 9"},
      {"0711234567", false, K::kUnknown, "071 unknown"},
      {"0811234567", false, K::kUnknown, "081 unknown"},
      {"03012345678", true, K::kCommonService, "030: 11 digits"},
      {"030123456789", true, K::kCommonService, "030: 12 digits"},
      {"0301234567", false, K::kCommonService, "030: 10 digits"},
      {"05012345678", true, K::kCommonService, "0501: 11 digits"},
      {"05051234567", true, K::kCommonService, "0505: 11 digits"},
      {"050912345678", true, K::kCommonService, "0509: 12 digits"},
      {"05001234567", true, K::kCommonService, "0500: x is any digit"},
      {"0505123456", false, K::kCommonService, "050x: 10 digits"},
      // --- special service (invalid without the override) ---
      {"112", false, K::kSpecialService, "police"},
      {"114", false, K::kSpecialService, "directory"},
      {"119", false, K::kSpecialService, "fire"},
      {"1301", false, K::kSpecialService, "prosecution"},
      {"1330", false, K::kSpecialService, "tourism"},
      {"1345", false, K::kSpecialService, "immigration"},
      {"1366", false, K::kSpecialService, "women's hotline"},
      {"1388", false, K::kSpecialService, "youth hotline"},
      // --- everything else ---
      {"1", false, K::kUnknown, "1 digit"},
      {"11", false, K::kUnknown, "2 digits starting 1: not special"},
      {"11234", false, K::kUnknown, "5 digits starting 1: not special"},
      {"911", false, K::kUnknown, "3 digits not starting 1"},
      {"0112", false, K::kUnknown, "4 digits starting 0"},
      {"0000000000", false, K::kUnknown, "00 prefix"},
      {"00112345678", false, K::kUnknown, "international prefix 001"},
      {"0901234567", false, K::kUnknown, "090 unknown"},
      {"12345678", false, K::kUnknown, "12xx unknown"},
      {"21234567", false, K::kUnknown, "local number without area code"},
      {"82101234567", false, K::kUnknown, "country code without +"},
      {"0101234567890", false, K::kUnknown, "13 digits: longer than 12"},
      {"", false, K::kUnknown, "empty"},
      {"010-1234-5678", false, K::kUnknown, "classifier takes digits only"},
  };
  return cases;
}

class ClassifyTest : public ::testing::TestWithParam<Case> {};

TEST_P(ClassifyTest, MatchesTable) {
  const Case& c = GetParam();
  SCOPED_TRACE(std::string(c.digits) + ": " + std::string(c.why));
  const NumberClassification got = ClassifyPhoneNumber(c.digits);
  EXPECT_EQ(got.valid, c.valid);
  EXPECT_EQ(got.kind, c.kind);
  // A reason is given exactly when the number is invalid.
  EXPECT_EQ(got.reason.empty(), c.valid) << "reason: " << got.reason;
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  std::string name = "n" + std::to_string(info.index) + "_";
  for (char ch : info.param.digits) {
    if (ch >= '0' && ch <= '9') name.push_back(ch);
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Table, ClassifyTest, ::testing::ValuesIn(Cases()), CaseName);

TEST(ClassifyTest, TableIsLargeAndUnique) {
  EXPECT_GE(Cases().size(), 70u);
  for (std::size_t i = 0; i < Cases().size(); ++i) {
    for (std::size_t j = i + 1; j < Cases().size(); ++j) {
      EXPECT_NE(Cases()[i].digits, Cases()[j].digits) << "duplicate row " << i << " and " << j;
    }
  }
}

TEST(ClassifyTest, GluedReasonIsSpecific) {
  EXPECT_EQ(ClassifyPhoneNumber("0215881234").reason, "area code glued to a representative number");
  EXPECT_EQ(ClassifyPhoneNumber("158812345").reason, "representative number with an extension");
}

TEST(IsSpecialServiceNumberTest, ShapeIsThreeOrFourDigitsStartingWithOne) {
  EXPECT_TRUE(IsSpecialServiceNumber("112"));
  EXPECT_TRUE(IsSpecialServiceNumber("119"));
  EXPECT_TRUE(IsSpecialServiceNumber("1301"));
  EXPECT_TRUE(IsSpecialServiceNumber("1388"));
  EXPECT_FALSE(IsSpecialServiceNumber(""));
  EXPECT_FALSE(IsSpecialServiceNumber("11"));
  EXPECT_FALSE(IsSpecialServiceNumber("11234"));
  EXPECT_FALSE(IsSpecialServiceNumber("15881234"));
  EXPECT_FALSE(IsSpecialServiceNumber("211"));
  EXPECT_FALSE(IsSpecialServiceNumber("0112"));
  EXPECT_FALSE(IsSpecialServiceNumber("1-12"));
  EXPECT_FALSE(IsSpecialServiceNumber("11a"));
}

TEST(NormalizePhoneNumberTest, StripsSeparators) {
  EXPECT_EQ(NormalizePhoneNumber("01012345678"), "01012345678");
  EXPECT_EQ(NormalizePhoneNumber("010-1234-5678"), "01012345678");
  EXPECT_EQ(NormalizePhoneNumber("010 1234 5678"), "01012345678");
  EXPECT_EQ(NormalizePhoneNumber("(02)1234-5678"), "0212345678");
  EXPECT_EQ(NormalizePhoneNumber("(02) 123-4567"), "021234567");
  EXPECT_EQ(NormalizePhoneNumber(" 1588-1234 "), "15881234");
  EXPECT_EQ(NormalizePhoneNumber("--010--1234--5678--"), "01012345678");
  EXPECT_EQ(NormalizePhoneNumber(")02(1234)5678("), "0212345678");  // balance is not checked
}

TEST(NormalizePhoneNumberTest, RejectsEverythingElse) {
  EXPECT_EQ(NormalizePhoneNumber(""), std::nullopt);
  EXPECT_EQ(NormalizePhoneNumber("-"), std::nullopt);
  EXPECT_EQ(NormalizePhoneNumber(" - ( ) "), std::nullopt);
  EXPECT_EQ(NormalizePhoneNumber("+821012345678"), std::nullopt);
  EXPECT_EQ(NormalizePhoneNumber("+82-10-1234-5678"), std::nullopt);
  EXPECT_EQ(NormalizePhoneNumber("010.1234.5678"), std::nullopt);
  EXPECT_EQ(NormalizePhoneNumber("010/1234/5678"), std::nullopt);
  EXPECT_EQ(NormalizePhoneNumber("010-1234-567a"), std::nullopt);
  EXPECT_EQ(NormalizePhoneNumber("phone"), std::nullopt);
  EXPECT_EQ(NormalizePhoneNumber("010\t1234\t5678"), std::nullopt);
  EXPECT_EQ(NormalizePhoneNumber("010_1234_5678"), std::nullopt);
  EXPECT_EQ(NormalizePhoneNumber("[02]12345678"), std::nullopt);
  EXPECT_EQ(NormalizePhoneNumber(std::string_view("010\0001234", 8)), std::nullopt);
  EXPECT_EQ(NormalizePhoneNumber("０１０12345678"), std::nullopt);  // full-width digits
}

void ExpectInvalid(std::string_view input, bool special_allowed) {
  const Result<std::string> r = ValidatePhoneNumber(input, special_allowed);
  ASSERT_FALSE(r.ok()) << input << " unexpectedly gave " << r.value();
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidPhoneNumber);
  EXPECT_EQ(r.error().message, "전화번호가 유효하지 않습니다.");
}

void ExpectValid(std::string_view input, bool special_allowed, std::string_view want) {
  const Result<std::string> r = ValidatePhoneNumber(input, special_allowed);
  ASSERT_TRUE(r.ok()) << input << ": " << r.error().message;
  EXPECT_EQ(r.value(), want);
}

TEST(ValidatePhoneNumberTest, ReturnsDigitsOnlyForm) {
  ExpectValid("010-1234-5678", false, "01012345678");
  ExpectValid("(02) 1234-5678", false, "0212345678");
  ExpectValid("1588-1234", false, "15881234");
  ExpectValid("0505-123-4567", false, "05051234567");
  // The override changes nothing for numbers that are valid anyway.
  ExpectValid("010-1234-5678", true, "01012345678");
}

TEST(ValidatePhoneNumberTest, SpecialNumbersNeedTheOverride) {
  ExpectInvalid("112", false);
  ExpectInvalid("1330", false);
  ExpectInvalid("1-3-3-0", false);
  ExpectValid("112", true, "112");
  ExpectValid("1330", true, "1330");
  ExpectValid("(13) 45", true, "1345");
}

TEST(ValidatePhoneNumberTest, OverrideDoesNotMakeGarbageValid) {
  for (bool allowed : {false, true}) {
    ExpectInvalid("", allowed);
    ExpectInvalid("---", allowed);
    ExpectInvalid("abc", allowed);
    ExpectInvalid("+82112", allowed);
    ExpectInvalid("11", allowed);
    ExpectInvalid("11234", allowed);
    ExpectInvalid("1.12", allowed);
    ExpectInvalid("02-1588-1234", allowed);
    ExpectInvalid("1588-1234-5", allowed);
    ExpectInvalid("012-1234-5678", allowed);
    ExpectInvalid("0101234567890", allowed);
    ExpectInvalid("12345678", allowed);
  }
}

}  // namespace
}  // namespace senderid
