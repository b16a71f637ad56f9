#include "http/handlers/call.h"

#include <charconv>

#include "core/catalogue.h"
#include "json/customer_codec.h"

namespace senderid::http {

Response JsonAnswer(std::string body) {
  Response r;
  r.body = std::move(body);
  return r;
}

Response DocAnswer(const Call& call, const Result<AccountDoc>& doc) {
  return Answer(call, doc, [](const AccountDoc& d) { return json::EncodeAccountDoc(d); });
}

Result<QueryParams> Query(const Call& call) {
  QueryParams params;
  if (!ParseQuery(call.route.query, params))
    return Error(ErrorCode::kValidationError, "malformed query string");
  return params;
}

Result<int> ParseLimit(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > 1000)
    return Error(ErrorCode::kValidationError, std::string(text::invalid::kLimitRange));
  return value;
}

}  // namespace senderid::http
