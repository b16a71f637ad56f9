// Fuzz target: the Authorization header parser (SPEC §2) and the date it carries.
//
// Invariants beyond "no crash":
//  - an error is always kInvalidAPIKey;
//  - a parsed header satisfies its contract: apiKey 1–64 characters, date and signature non-empty,
//    salt 10–64 printable ASCII characters without ',' '=' or whitespace, signature without
//    upper-case letters, no field with a ',' or surrounding whitespace;
//  - re-serialising the parsed fields in canonical form (any key-name case, any method case) and
//    parsing again gives the same fields;
//  - a date that ParseIsoDateTime accepts is accepted by ParseFilterDate with the same instant.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/authorization.h"
#include "core/time.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using senderid::AuthorizationHeader;

bool Blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool Trimmed(std::string_view s) { return s.empty() || (!Blank(s.front()) && !Blank(s.back())); }

void CheckFieldShape(const AuthorizationHeader& h, std::string_view input) {
  FUZZ_CHECK(!h.api_key.empty() && h.api_key.size() <= 64, input);
  FUZZ_CHECK(!h.date.empty() && !h.signature.empty(), input);
  FUZZ_CHECK(h.salt.size() >= 10 && h.salt.size() <= 64, input);
  for (const char c : h.salt) {
    const auto u = static_cast<unsigned char>(c);
    FUZZ_CHECK(u >= 0x21 && u <= 0x7e && c != ',' && c != '=', input);
  }
  for (const char c : h.signature) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'), input);
  for (const std::string* f : {&h.api_key, &h.date, &h.salt, &h.signature}) {
    FUZZ_CHECK(f->find(',') == std::string::npos, input);
    FUZZ_CHECK(Trimmed(*f), input);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto parsed = senderid::ParseAuthorizationHeader(input);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.error().code == senderid::ErrorCode::kInvalidAPIKey, input);
    return 0;
  }
  const AuthorizationHeader& h = *parsed;
  CheckFieldShape(h, input);

  // Canonical re-serialisation, with key names and method in odd case: must parse to the same.
  const std::string method =
      h.algorithm == senderid::MacAlgorithm::kHmacMd5 ? "hmac-md5" : "Hmac-Sha256";
  const std::string again = method + " APIKEY=" + h.api_key + ", Date=" + h.date +
                            ",salt=" + h.salt + " ,  sIgnature=" + h.signature;
  const auto reparsed = senderid::ParseAuthorizationHeader(again);
  FUZZ_CHECK(reparsed.ok(), again);
  FUZZ_CHECK(reparsed->algorithm == h.algorithm && reparsed->api_key == h.api_key &&
                 reparsed->date == h.date && reparsed->salt == h.salt &&
                 reparsed->signature == h.signature,
             again);

  if (const auto date = senderid::ParseIsoDateTime(h.date)) {
    const auto filter = senderid::ParseFilterDate(h.date, /*end_of_day=*/false);
    FUZZ_CHECK(filter && *filter == date->utc, h.date);
  }
  return 0;
}
