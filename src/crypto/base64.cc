#include "crypto/base64.h"

#include <sodium.h>

namespace senderid {
namespace {

Error Invalid(std::string why) { return Error(ErrorCode::kValidationError, "'file' " + std::move(why)); }

bool IStartsWith(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

Result<std::string> DecodeFileField(std::string_view field) {
  std::string_view payload = field;
  if (IStartsWith(field, "data:")) {
    const size_t comma = field.find(',');
    if (comma == std::string_view::npos) return Invalid("is a data URI without ','");
    const std::string_view meta = field.substr(5, comma - 5);
    if (meta.size() < 7 || !IStartsWith(meta.substr(meta.size() - 7), ";base64"))
      return Invalid("must be a base64 data URI (data:<mime>;base64,…)");
    payload = field.substr(comma + 1);
  }
  // libsodium 1.0.18 skips some bytes outside the alphabet instead of refusing them: check first.
  for (const char c : payload) {
    const bool base64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                        c == '+' || c == '/' || c == '=';
    if (!base64 && c != ' ' && c != '\t' && c != '\r' && c != '\n') return Invalid("is not valid base64");
  }
  if (sodium_init() < 0) return Error(ErrorCode::kInternalError, "libsodium failed to start");
  std::string out(payload.size() / 4 * 3 + 3, '\0');
  for (const int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING}) {
    size_t length = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), payload.data(),
                          payload.size(), " \t\r\n", &length, &end, variant) == 0 &&
        end == payload.data() + payload.size()) {
      out.resize(length);
      return out;
    }
  }
  return Invalid("is not valid base64");
}

}  // namespace senderid
