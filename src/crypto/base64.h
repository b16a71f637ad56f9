#pragma once
// The `file` field of a document upload (SPEC §4.10): raw base64, or a data URI
// `data:<mime>;base64,<payload>`. Line breaks and spaces inside the payload are ignored (MIME
// base64); padding may be omitted. Decoding by libsodium (strict, constant-time).

#include <string>
#include <string_view>

#include "core/error.h"

namespace senderid {

// The decoded bytes, or kValidationError naming `file`.
Result<std::string> DecodeFileField(std::string_view field);

}  // namespace senderid
