#include "core/phone_number.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "core/catalogue.h"
#include "core/error.h"

namespace senderid {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view s) { return std::all_of(s.begin(), s.end(), IsDigit); }

// 15xx, 16xx, 18xx: the nationwide representative-number prefixes.
bool HasRepresentativePrefix(std::string_view s) {
  return s.size() >= 2 && s[0] == '1' && (s[1] == '5' || s[1] == '6' || s[1] == '8');
}

bool InRange(char c, char lo, char hi) { return c >= lo && c <= hi; }

NumberClassification Valid(NumberKind kind) { return {true, kind, {}}; }

NumberClassification Invalid(NumberKind kind, std::string_view reason) {
  return {false, kind, reason};
}

// `subscriber` is what follows 02 or a 3-digit area code.
NumberClassification ClassifyLandline(NumberKind kind, std::string_view subscriber) {
  if (subscriber.size() < 7 || subscriber.size() > 8) {
    return Invalid(kind, "landline subscriber part must be 7-8 digits");
  }
  // Only an 8-digit part can be a representative number; a 7-digit part starting with 15 is an
  // ordinary exchange + line number (see the header).
  if (subscriber.size() == 8 && HasRepresentativePrefix(subscriber)) {
    return Invalid(kind, "area code glued to a representative number");
  }
  return Valid(kind);
}

// 070/080 and mobile: a fixed prefix + 7–8 digits; no glued-representative rule.
NumberClassification ClassifySevenOrEight(NumberKind kind, std::string_view rest,
                                          std::string_view reason) {
  if (rest.size() < 7 || rest.size() > 8) return Invalid(kind, reason);
  return Valid(kind);
}

// 030 and 050x are counted in total length (11–12 digits) because SPEC §6 states them that way.
NumberClassification ClassifyTotalElevenOrTwelve(std::string_view digits) {
  if (digits.size() < 11 || digits.size() > 12) {
    return Invalid(NumberKind::kCommonService, "030/050x number must be 11-12 digits");
  }
  return Valid(NumberKind::kCommonService);
}

}  // namespace

std::optional<std::string> NormalizePhoneNumber(std::string_view input) {
  std::string digits;
  digits.reserve(input.size());
  for (char c : input) {
    if (c == '-' || c == ' ' || c == '(' || c == ')') continue;
    if (!IsDigit(c)) return std::nullopt;
    digits.push_back(c);
  }
  if (digits.empty()) return std::nullopt;
  return digits;
}

bool IsSpecialServiceNumber(std::string_view digits) {
  return (digits.size() == 3 || digits.size() == 4) && digits[0] == '1' && AllDigits(digits);
}

NumberClassification ClassifyPhoneNumber(std::string_view digits) {
  if (digits.empty() || !AllDigits(digits)) {
    return Invalid(NumberKind::kUnknown, "not a digit string");
  }
  // Checked before the length bounds: special numbers are short by nature, and naming them lets the
  // caller apply the operator override.
  if (IsSpecialServiceNumber(digits)) {
    return Invalid(NumberKind::kSpecialService,
                   "special service number needs an operator override");
  }
  if (digits.size() < 8) return Invalid(NumberKind::kUnknown, "shorter than 8 digits");
  if (digits.size() > 12) return Invalid(NumberKind::kUnknown, "longer than 12 digits");

  // From here on digits.size() >= 8, so digits[0..3] exist.
  if (digits[0] == '1') {
    if (!HasRepresentativePrefix(digits)) {
      return Invalid(NumberKind::kUnknown, "unknown prefix (1 not followed by 5, 6 or 8)");
    }
    if (digits.size() != 8) {
      return Invalid(NumberKind::kRepresentative, "representative number with an extension");
    }
    return Valid(NumberKind::kRepresentative);
  }
  if (digits[0] != '0') {
    return Invalid(NumberKind::kUnknown, "unknown prefix (no leading 0 or 1)");
  }

  const char second = digits[1];
  const char third = digits[2];
  switch (second) {
    case '1':
      if (third == '0' || third == '1' || third == '6' || third == '7' || third == '8' ||
          third == '9') {
        return ClassifySevenOrEight(NumberKind::kMobile, digits.substr(3),
                                    "mobile number must be 01x + 7-8 digits");
      }
      return Invalid(NumberKind::kUnknown, "unknown mobile prefix");
    case '2':
      return ClassifyLandline(NumberKind::kSeoulLandline, digits.substr(2));
    case '3':
      if (third == '0') return ClassifyTotalElevenOrTwelve(digits);
      if (InRange(third, '1', '3'))
        return ClassifyLandline(NumberKind::kLandline, digits.substr(3));
      return Invalid(NumberKind::kUnknown, "unknown area code");
    case '4':
      if (InRange(third, '1', '4'))
        return ClassifyLandline(NumberKind::kLandline, digits.substr(3));
      return Invalid(NumberKind::kUnknown, "unknown area code");
    case '5':
      if (third == '0') return ClassifyTotalElevenOrTwelve(digits);
      if (InRange(third, '1', '5'))
        return ClassifyLandline(NumberKind::kLandline, digits.substr(3));
      return Invalid(NumberKind::kUnknown, "unknown area code");
    case '6':
      if (InRange(third, '1', '4'))
        return ClassifyLandline(NumberKind::kLandline, digits.substr(3));
      return Invalid(NumberKind::kUnknown, "unknown area code");
    case '7':
    case '8':
      if (third == '0') {
        return ClassifySevenOrEight(NumberKind::kCommonService, digits.substr(3),
                                    "070/080 number must be 0x0 + 7-8 digits");
      }
      return Invalid(NumberKind::kUnknown, "unknown common-service prefix");
    default:
      return Invalid(NumberKind::kUnknown, "unknown prefix");
  }
}

Result<std::string> ValidatePhoneNumber(std::string_view input, bool special_allowed) {
  std::optional<std::string> digits = NormalizePhoneNumber(input);
  if (digits.has_value()) {
    const NumberClassification c = ClassifyPhoneNumber(*digits);
    if (c.valid || (special_allowed && c.kind == NumberKind::kSpecialService)) {
      return *std::move(digits);
    }
  }
  return Error(ErrorCode::kInvalidPhoneNumber, std::string(text::message::kInvalidPhoneNumber));
}

}  // namespace senderid
