#pragma once
// Standard base64 (RFC 4648 §4, with padding), as Standard Webhooks uses it for secrets and
// signatures (SPEC §12). Pure functions, thread-safe. Uploads have their own decoder
// (crypto/base64.h: MIME line breaks, data URIs); this one is strict and small.

#include <optional>
#include <string>
#include <string_view>

namespace senderid {

std::string Base64Encode(std::string_view bytes);
// The bytes, or nullopt for anything but canonical padded base64 (length a multiple of 4, '=' only
// at the end, unused bits zero).
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace senderid
