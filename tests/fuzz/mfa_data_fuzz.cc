// Fuzz target: the x-mfa-data header parser (SPEC §5), senderid::json::DecodeMfaData.
//
// Invariants:
//  - an error is always kInvalidMFAData (never a ValidationError or a throw);
//  - a blank header is refused;
//  - what it accepts re-encodes (authType, extras.phoneNumber, transactionId, token) into a JSON
//    object that decodes to the same fields, with or without the spaces Python puts after ':' and
//    ',';
//  - whether a header is accepted does not depend on trailing whitespace.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "json/customer_codec.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

bool Same(const senderid::MfaData& a, const senderid::MfaData& b) {
  return a.auth_type == b.auth_type && a.phone_number == b.phone_number &&
         a.transaction_id == b.transaction_id && a.token == b.token;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto decoded = senderid::json::DecodeMfaData(input);
  const auto padded = senderid::json::DecodeMfaData(std::string(input) + " \t");
  FUZZ_CHECK(decoded.ok() == padded.ok(), input);
  if (!decoded.ok()) {
    FUZZ_CHECK(decoded.error().code == senderid::ErrorCode::kInvalidMFAData, input);
    FUZZ_CHECK(decoded.error().message.rfind("x-mfa-data: ", 0) == 0, decoded.error().message);
    return 0;
  }
  FUZZ_CHECK(input.find_first_not_of(" \t\r\n") != std::string_view::npos, input);
  FUZZ_CHECK(Same(*decoded, *padded), input);

  // Re-encode; ensure_ascii so that what was decoded from \u escapes round-trips too.
  nlohmann::json j = {{"authType", decoded->auth_type}};
  if (decoded->phone_number) j["extras"] = {{"phoneNumber", *decoded->phone_number}};
  if (decoded->transaction_id) j["transactionId"] = *decoded->transaction_id;
  if (decoded->token) j["token"] = *decoded->token;
  for (const int indent : {-1, 1}) {
    const std::string again = j.dump(indent, ' ', /*ensure_ascii=*/true);
    const auto reparsed = senderid::json::DecodeMfaData(again);
    FUZZ_CHECK(reparsed.ok() && Same(*reparsed, *decoded), again);
  }
  return 0;
}
