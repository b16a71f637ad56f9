#include "http/admin/admin_call.h"

#include <charconv>

#include "core/catalogue.h"

namespace senderid::http::admin {

Response AdminJson(std::string body) {
  Response r;
  r.body = std::move(body);
  return r;
}

Result<QueryParams> AdminQuery(const AdminCall& call) {
  QueryParams params;
  if (!ParseQuery(call.route.query, params))
    return Error(ErrorCode::kValidationError, "malformed query string");
  return params;
}

Result<int> PageLimit(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > 1000)
    return Error(ErrorCode::kValidationError, std::string(text::invalid::kLimitRange));
  return value;
}

std::string SessionCookie(const Request& request) {
  for (const Header& h : request.headers) {
    if (!EqualsIgnoreCase(h.name, "Cookie")) continue;
    std::string_view rest = h.value;
    while (!rest.empty()) {
      const size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      const size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == kSessionCookie)
        return std::string(pair.substr(eq + 1));
    }
  }
  return std::string();
}

std::string SessionCookieHeader(std::string_view token, bool secure) {
  return std::string(kSessionCookie) + "=" + std::string(token) +
         "; HttpOnly; SameSite=Strict; Path=/admin" + (secure ? "; Secure" : "");
}

std::string ClearedCookieHeader(bool secure) {
  return std::string(kSessionCookie) + "=; Max-Age=0; HttpOnly; SameSite=Strict; Path=/admin" +
         (secure ? "; Secure" : "");
}

}  // namespace senderid::http::admin
