// Fuzz target: sender-number validation (SPEC §1 separators, §6 KISA shapes) —
// NormalizePhoneNumber, ClassifyPhoneNumber, IsSpecialServiceNumber, ValidatePhoneNumber.
//
// Invariants:
//  - NormalizePhoneNumber yields a non-empty digit string equal to the input minus '-', ' ', '(',
//    ')', and refuses exactly the inputs with anything else (or no digit); it is idempotent;
//  - ClassifyPhoneNumber agrees with an independent reading of SPEC §6 written below (validity and
//    kind), gives a reason exactly when invalid, and never says valid for a special number;
//  - ValidatePhoneNumber(x, false) succeeds exactly for valid numbers, returning the digits;
//    with the operator override it additionally accepts exactly the special service numbers.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/phone_number.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using senderid::NumberKind;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// SPEC §6, read independently of src/core/phone_number.cc. `digits` is a non-empty digit string.
// Returns the kind when valid, kUnknown when invalid; `special` when a 3-4 digit 1xx(x) number.
NumberKind Oracle(std::string_view d, bool& special) {
  const size_t n = d.size();
  special = (n == 3 || n == 4) && d[0] == '1';
  if (special || n < 8 || n > 12) return NumberKind::kUnknown;
  // Representative numbers 15xx/16xx/18xx: exactly 8 digits.
  for (const char* p : {"15", "16", "18"})
    if (StartsWith(d, p)) return n == 8 ? NumberKind::kRepresentative : NumberKind::kUnknown;
  const auto seven_or_eight = [&](size_t prefix) { return n - prefix == 7 || n - prefix == 8; };
  // An area-code landline: 7-8 digit subscriber part, not an 8-digit 15xx/16xx/18xx one.
  const auto landline = [&](size_t prefix) {
    if (!seven_or_eight(prefix)) return false;
    const std::string_view sub = d.substr(prefix);
    return !(sub.size() == 8 &&
             (StartsWith(sub, "15") || StartsWith(sub, "16") || StartsWith(sub, "18")));
  };
  for (const char* p : {"010", "011", "016", "017", "018", "019"})
    if (StartsWith(d, p)) return seven_or_eight(3) ? NumberKind::kMobile : NumberKind::kUnknown;
  if (StartsWith(d, "02")) return landline(2) ? NumberKind::kSeoulLandline : NumberKind::kUnknown;
  for (const char* p : {"031", "032", "033", "041", "042", "043", "044", "051", "052", "053", "054",
                        "055", "061", "062", "063", "064"})
    if (StartsWith(d, p)) return landline(3) ? NumberKind::kLandline : NumberKind::kUnknown;
  for (const char* p : {"070", "080"})
    if (StartsWith(d, p))
      return seven_or_eight(3) ? NumberKind::kCommonService : NumberKind::kUnknown;
  if (StartsWith(d, "030") || StartsWith(d, "050"))
    return n == 11 || n == 12 ? NumberKind::kCommonService : NumberKind::kUnknown;
  return NumberKind::kUnknown;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  std::string stripped;
  bool only_allowed = true;
  for (const char c : input) {
    if (c == '-' || c == ' ' || c == '(' || c == ')') continue;
    if (!IsDigit(c)) only_allowed = false;
    stripped += c;
  }
  const auto normalized = senderid::NormalizePhoneNumber(input);
  FUZZ_CHECK(normalized.has_value() == (only_allowed && !stripped.empty()), input);

  // Classify the input itself too (it is often not a digit string).
  const auto raw = senderid::ClassifyPhoneNumber(input);
  if (!normalized || *normalized != input)
    FUZZ_CHECK(!raw.valid && raw.kind == NumberKind::kUnknown, input);

  const auto plain = senderid::ValidatePhoneNumber(input, false);
  const auto with_override = senderid::ValidatePhoneNumber(input, true);
  for (const auto* r : {&plain, &with_override})
    if (!r->ok()) FUZZ_CHECK(r->error().code == senderid::ErrorCode::kInvalidPhoneNumber, input);
  if (!normalized) {
    FUZZ_CHECK(!plain.ok() && !with_override.ok(), input);
    return 0;
  }
  const std::string& digits = *normalized;
  FUZZ_CHECK(digits == stripped, input);
  FUZZ_CHECK(senderid::NormalizePhoneNumber(digits) == normalized, input);

  const auto c = senderid::ClassifyPhoneNumber(digits);
  FUZZ_CHECK(c.valid == c.reason.empty(), digits);
  bool special = false;
  const NumberKind expected = Oracle(digits, special);
  FUZZ_CHECK(c.valid == (expected != NumberKind::kUnknown), digits);
  if (c.valid) FUZZ_CHECK(c.kind == expected, digits);
  FUZZ_CHECK(senderid::IsSpecialServiceNumber(digits) == special, digits);
  FUZZ_CHECK((c.kind == NumberKind::kSpecialService) == special, digits);
  if (special) FUZZ_CHECK(!c.valid, digits);

  FUZZ_CHECK(plain.ok() == c.valid, input);
  if (plain.ok()) FUZZ_CHECK(*plain == digits, input);
  FUZZ_CHECK(with_override.ok() == (c.valid || special), input);
  if (with_override.ok()) FUZZ_CHECK(*with_override == digits, input);
  return 0;
}
