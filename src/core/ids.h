#pragma once
// Identifiers and tokens drawn from the Random port (a CSPRNG), SPEC §1.

#include <string>
#include <string_view>

#include "core/ports/random.h"
#include "core/time.h"

namespace senderid {

inline constexpr std::string_view kUpperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
inline constexpr std::string_view kDigits = "0123456789";

// `n` characters drawn uniformly from `alphabet` (rejection sampling: no modulo bias).
std::string RandomString(Random& random, size_t n, std::string_view alphabet);

// prefix (3 letters) + yyyyMMddHHmmss in Korea time + 15 random [A-Z0-9]: 32 characters.
std::string NewId(std::string_view prefix, TimeMs now, Random& random);

// `bytes` random bytes as lowercase hex.
std::string RandomHex(Random& random, size_t bytes);

inline constexpr std::string_view kHandleKeyPrefix = "SED";
inline constexpr std::string_view kDocumentPrefix = "DOC";
inline constexpr std::string_view kApprovalPrefix = "APD";
inline constexpr std::string_view kLimitationPrefix = "LID";
inline constexpr std::string_view kDuplicatePrefix = "DUP";
inline constexpr std::string_view kEventPrefix = "EVT";
inline constexpr std::string_view kWebhookPrefix = "WHK";
inline constexpr std::string_view kDeliveryPrefix = "DLV";

}  // namespace senderid
