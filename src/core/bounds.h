#pragma once
// SPEC §4 "Bounds": what one tenant may make the registry hold, so that no tenant can exhaust what
// all share. Field lengths are enforced where request bodies are decoded (json/customer_codec.cc,
// which names the field); the per-account caps by the services (documents, numbers).

#include <cstddef>
#include <string_view>

namespace senderid::bounds {

// Bytes of UTF-8.
inline constexpr size_t kDocumentNameBytes = 255;
inline constexpr size_t kStringFieldBytes = 1000;  // every other string field of a request body
// Characters (Unicode code points).
inline constexpr size_t kUnlockReasonChars = 500;
inline constexpr size_t kUnlockNameChars = 100;
inline constexpr size_t kOperatorReasonChars = 500;  // what an operator tells the customer (§13)

// Unicode code points of UTF-8 text (continuation bytes are not counted).
inline size_t CodePoints(std::string_view utf8) {
  size_t n = 0;
  for (const char c : utf8)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

// Defaults of the configurable caps.
inline constexpr int kDocumentsPerAccount = 1000;
inline constexpr int kStatusChangesPerDay = 20;

}  // namespace senderid::bounds
