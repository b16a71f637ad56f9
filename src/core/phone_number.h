#pragma once
// Sender-number validation: the separator stripping of SPEC §1 and the KISA shape rules of SPEC §6
// (전기통신사업법 §84-2 detailed guideline). This is the one place that decides whether a string
// may be registered as a sender number; every entry point (HTTP create, CLI allow-special) goes
// through it.
//
// Only the *shape* is judged here. Whether a well-formed number can really be called back is what
// verification (ARS or documents) proves, so the rules below accept every number of a plausible
// shape and reject only what can never be a legitimate sender number.
//
// Valid numbers (digits only, after stripping):
//   mobile            010 + 7–8 digits; legacy 011|016|017|018|019 + 7–8 digits (SPEC: accepted)
//   Seoul landline    02 + 7–8 digits
//   other landline    031–033, 041–044, 051–055, 061–064 + 7–8 digits
//   representative    15xx|16xx|18xx, exactly 8 digits (no area code, no extension)
//   common service    070|080 + 7–8 digits; 030 and 050x (x any digit): 11–12 digits in total
//
// Decisions on the edges SPEC leaves open:
// - "Area code glued to a representative number" is precisely: an area-code landline (02 or a
// 3-digit
//   area code) whose subscriber part is exactly 8 digits and starts with 15, 16 or 18
//   (02-1588-1234, 031-1644-0000). A 7-digit subscriber part is an ordinary exchange + line number
//   whatever its first digits (02-158-1234, 02-123-4567 are valid): a representative number is
//   always 8 digits, so a 7-digit part cannot be one.
// - The glued rule applies to area-code landlines only. Mobile (010-1588-1234) and 070/080 numbers
// have
//   their own numbering plans, where a 15xx/16xx/18xx subscriber part is an ordinary number.
// - Subscriber parts are not judged further (e.g. a leading 0 or 1 is not rejected): SPEC §6 lists
// the
//   invalid shapes exhaustively and leaves the rest to verification.
// - Special service numbers are every 3- or 4-digit number starting with 1 (112, 114, 119, 1301,
// 1330,
//   1345, 1366, 1388, …). Enumerating the real ones would go stale; defining them by shape is safe
//   because such a number is never valid on its own: it becomes registrable only for an account the
//   operator allowed it for (`senderid numbers allow-special`, SPEC §10), never self-service.
// - Normalization strips exactly '-', ' ', '(' and ')', anywhere and unbalanced, and nothing else:
//   '+82', '.', '/', tabs or letters make the input invalid rather than being guessed at.

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace senderid {

enum class NumberKind {
  kUnknown,  // no category's prefix matched
  kMobile,
  kSeoulLandline,
  kLandline,
  kRepresentative,
  kCommonService,
  kSpecialService,
};

// Strips '-', ' ', '(' and ')' (and nothing else). nullopt if anything other than ASCII digits
// remains or nothing remains at all.
std::optional<std::string> NormalizePhoneNumber(std::string_view input);

struct NumberClassification {
  bool valid = false;
  // The category whose rule decided: for a valid number its kind; for an invalid one the category
  // its prefix claimed (so logs say "Seoul landline, glued representative"), kUnknown when none
  // did. kSpecialService always comes with valid == false: see ValidatePhoneNumber.
  NumberKind kind = NumberKind::kUnknown;
  std::string_view reason;  // short English reason when invalid (tests, logs); empty when valid
};

// Classifies a digits-only string by SPEC §6 alone (no operator override). A non-digit string is
// invalid with kind kUnknown.
NumberClassification ClassifyPhoneNumber(std::string_view digits);

// A 3- or 4-digit number starting with 1: valid only with the operator override.
bool IsSpecialServiceNumber(std::string_view digits);

// The whole rule: normalize, then valid per §6, or a special service number with `special_allowed`
// (the operator allowed this number for this account). Returns the digits-only form, or
// InvalidPhoneNumber. `special_allowed` never makes any other invalid number valid.
Result<std::string> ValidatePhoneNumber(std::string_view input, bool special_allowed);

}  // namespace senderid
