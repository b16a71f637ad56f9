#include "core/authorization.h"

namespace senderid {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (Lower(a[i]) != Lower(b[i])) return false;
  return true;
}

bool ValidSalt(std::string_view salt) {
  if (salt.size() < 10 || salt.size() > 64) return false;
  for (char c : salt)
    if (IsSpace(c) || c == ',' || c == '=' || static_cast<unsigned char>(c) < 0x21 ||
        static_cast<unsigned char>(c) > 0x7e)
      return false;
  return true;
}

Error Invalid(std::string_view why) {
  return Error(ErrorCode::kInvalidAPIKey, "Invalid Authorization header: " + std::string(why));
}

}  // namespace

Result<AuthorizationHeader> ParseAuthorizationHeader(std::string_view header) {
  header = Trim(header);
  const size_t space = header.find(' ');
  if (space == std::string_view::npos) return Invalid("expected '<method> apiKey=…, date=…, …'");
  AuthorizationHeader out;
  const std::string_view scheme = header.substr(0, space);
  if (IEquals(scheme, "HMAC-SHA256")) {
    out.algorithm = MacAlgorithm::kHmacSha256;
  } else if (IEquals(scheme, "HMAC-MD5")) {
    out.algorithm = MacAlgorithm::kHmacMd5;
  } else {
    return Invalid("unknown method");
  }
  bool has_key = false, has_date = false, has_salt = false, has_signature = false;
  std::string_view rest = header.substr(space + 1);
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view part = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = Trim(part.substr(0, eq));
    const std::string_view value = Trim(part.substr(eq + 1));
    if (IEquals(name, "apiKey")) {
      out.api_key = value;
      has_key = true;
    } else if (IEquals(name, "date")) {
      out.date = value;
      has_date = true;
    } else if (IEquals(name, "salt")) {
      out.salt = value;
      has_salt = true;
    } else if (IEquals(name, "signature")) {
      out.signature.clear();
      for (char c : value) out.signature += Lower(c);
      has_signature = true;
    }
  }
  if (!has_key || out.api_key.empty() || out.api_key.size() > 64) return Invalid("missing apiKey");
  if (!has_date || out.date.empty()) return Invalid("missing date");
  if (!has_salt || !ValidSalt(out.salt)) return Invalid("salt must be 10-64 characters");
  if (!has_signature || out.signature.empty()) return Invalid("missing signature");
  return out;
}

}  // namespace senderid
