// Fuzz target: the upload `file` field (SPEC §4.10) — raw base64 or a base64 data URI decoded by
// senderid::DecodeFileField — and what is then decided about the bytes: DetectContentType (magic
// bytes), NameContradicts (the client's name) and NormalizeCategory.
//
// Input layout (FuzzedDataProvider): name, category (each up to a '\' followed by another
// character; "\\" is a literal backslash), then the field itself, e.g.
//   scan.png\ SENDERID-APPROVAL\ data:image/png;base64,iVBORw0KGgo…
//
// Invariants:
//  - an error is kValidationError naming 'file';
//  - decoded bytes re-encode (libsodium, standard alphabet) to exactly the payload without its
//    whitespace, padded or unpadded as sent (strict, canonical base64: nothing is skipped or
//    guessed);
//  - the raw payload and the same payload in a data URI (any mime, any case of "data:"/";base64")
//    decode alike, and so does the canonical encoding broken into 76-column MIME lines;
//  - a detected type is one of the five, its magic bytes are a prefix of the content, and a name
//    with its own extension (any case) never contradicts it; a name's case never matters;
//  - NormalizeCategory answers one of the four categories, is idempotent, and only maps '-' to '_'.

#include <fuzzer/FuzzedDataProvider.h>
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/document_content.h"
#include "crypto/base64.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

std::string Encode(std::string_view bytes, int variant) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

bool StartsWithCaseless(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && Upper(s.substr(0, prefix.size())) == Upper(prefix);
}

void CheckContent(std::string_view bytes, const std::string& name) {
  struct Known {
    std::string_view extension, mime, magic, magic2;
  };
  static constexpr Known kKnown[] = {
      {"png", "image/png", std::string_view("\x89PNG\r\n\x1a\n", 8), {}},
      {"gif", "image/gif", "GIF87a", "GIF89a"},
      {"jpg", "image/jpeg", "\xFF\xD8\xFF", {}},
      {"pdf", "application/pdf", "%PDF-", {}},
      {"tif", "image/tiff", std::string_view("II*\0", 4), std::string_view("MM\0*", 4)},
  };
  const auto type = senderid::DetectContentType(bytes);
  if (!type) {
    for (const Known& k : kKnown)
      FUZZ_CHECK(bytes.substr(0, k.magic.size()) != k.magic &&
                     (k.magic2.empty() || bytes.substr(0, k.magic2.size()) != k.magic2),
                 bytes.substr(0, 16));
    return;
  }
  bool found = false;
  for (const Known& k : kKnown) {
    if (k.extension != type->extension) continue;
    found = true;
    FUZZ_CHECK(type->mime == k.mime, type->mime);
    FUZZ_CHECK(bytes.substr(0, k.magic.size()) == k.magic ||
                   (!k.magic2.empty() && bytes.substr(0, k.magic2.size()) == k.magic2),
               bytes.substr(0, 16));
  }
  FUZZ_CHECK(found, type->extension);
  const std::string own = "scan." + std::string(type->extension);
  FUZZ_CHECK(!senderid::NameContradicts(own, *type), own);
  FUZZ_CHECK(!senderid::NameContradicts(Upper(own), *type), own);
  if (type->extension == "jpg") FUZZ_CHECK(!senderid::NameContradicts("a.JPeG", *type), name);
  if (type->extension == "tif") FUZZ_CHECK(!senderid::NameContradicts("a.tiff", *type), name);
  FUZZ_CHECK(
      senderid::NameContradicts(name, *type) == senderid::NameContradicts(Upper(name), *type),
      name);
  if (name.find('.') == std::string::npos)
    FUZZ_CHECK(!senderid::NameContradicts(name, *type), name);
}

void CheckCategory(const std::string& category) {
  std::string dashes_mapped = category;
  for (char& c : dashes_mapped)
    if (c == '-') c = '_';
  const auto normalized = senderid::NormalizeCategory(category);
  const bool known =
      dashes_mapped == "SENDERID_APPROVAL" || dashes_mapped == "SENDERID_LIMITATION" ||
      dashes_mapped == "SENDERID_IDENTIFICATION" || dashes_mapped == "SENDERID_CONSIGNMENT";
  FUZZ_CHECK(normalized.has_value() == known, category);
  if (!normalized) return;
  FUZZ_CHECK(*normalized == dashes_mapped, category);
  FUZZ_CHECK(senderid::NormalizeCategory(*normalized) == normalized, category);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (sodium_init() < 0) return 0;
  FuzzedDataProvider provider(data, size);
  const std::string name = provider.ConsumeRandomLengthString(256);
  const std::string category = provider.ConsumeRandomLengthString(64);
  const std::string field = provider.ConsumeRemainingBytesAsString();
  CheckCategory(category);

  const auto decoded = senderid::DecodeFileField(field);
  if (!decoded.ok()) {
    FUZZ_CHECK(decoded.error().code == senderid::ErrorCode::kValidationError, field);
    FUZZ_CHECK(decoded.error().message.rfind("'file' ", 0) == 0, decoded.error().message);
    CheckContent(field, name);  // magic-byte detection on arbitrary bytes too
    return 0;
  }

  std::string_view payload = field;
  const bool data_uri = StartsWithCaseless(field, "data:");
  if (data_uri) {
    const size_t comma = field.find(',');
    FUZZ_CHECK(comma != std::string::npos && comma >= 12 &&
                   StartsWithCaseless(field.substr(comma - 7), ";base64"),
               field);
    payload = payload.substr(comma + 1);
  }
  std::string canonical;
  for (const char c : payload)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') canonical += c;
  const std::string padded = Encode(*decoded, sodium_base64_VARIANT_ORIGINAL);
  const std::string unpadded = Encode(*decoded, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
  FUZZ_CHECK(canonical == padded || canonical == unpadded, field);

  // The other form of the same payload decodes alike.
  const std::string other = data_uri
                                ? std::string(payload)
                                : "DATA:application/octet-stream;BASE64," + std::string(payload);
  const auto other_decoded = senderid::DecodeFileField(other);
  FUZZ_CHECK(other_decoded.ok() && *other_decoded == *decoded, other);

  std::string mime_lines;
  for (size_t i = 0; i < padded.size(); i += 76) mime_lines += padded.substr(i, 76) + "\r\n";
  const auto from_lines = senderid::DecodeFileField(mime_lines);
  FUZZ_CHECK(from_lines.ok() && *from_lines == *decoded, mime_lines);

  CheckContent(*decoded, name);
  return 0;
}
