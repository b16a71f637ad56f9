#pragma once
// The Authorization header of SPEC §2, parsed as leniently as the official SDKs require:
//   `<Method> apiKey=<key>, date=<date>, salt=<salt>, signature=<hex>`
// The scheme is split at the first space, the rest on ','; parts are trimmed and split at their first
// '='; key names are case-insensitive; unknown keys are ignored. Pure functions, thread-safe.

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/ports/crypto.h"

namespace senderid {

struct AuthorizationHeader {
  MacAlgorithm algorithm = MacAlgorithm::kHmacSha256;
  std::string api_key;
  std::string date;  // exactly as sent: the signature covers these bytes
  std::string salt;  // exactly as sent
  std::string signature;  // lowercased hex, as sent otherwise
};

// kInvalidAPIKey when the header is missing a part, names an unknown method, or carries a salt that is
// not 10–64 characters free of whitespace, ',' and '='.
Result<AuthorizationHeader> ParseAuthorizationHeader(std::string_view header);

}  // namespace senderid
