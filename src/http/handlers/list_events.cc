// GET /senderid/v1/events (SPEC §12 endpoint 14).
#include <charconv>

#include "http/handlers/call.h"
#include "json/webhook_codec.h"

namespace senderid::http::handlers {

Response ListEvents(const Call& call) {
  Result<QueryParams> params = Query(call);
  if (!params.ok()) return ErrorAnswer(params.error(), call.request_id());
  EventQuery query;
  for (const auto& [name, value] : *params) {
    if (name == "after") {
      int64_t after = -1;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), after);
      if (ec != std::errc() || end != value.data() + value.size() || after < 0)
        return ErrorAnswer(Error(ErrorCode::kValidationError,
                                 "after: a non-negative integer expected"),
                           call.request_id());
      query.after = after;
    } else if (name == "type") {
      query.type = value;
    } else if (name == "limit") {
      Result<int> limit = ParseLimit(value);
      if (!limit.ok()) return ErrorAnswer(limit.error(), call.request_id());
      query.limit = *limit;
    }
  }
  return Answer(call, call.services.events.List(call.account_id(), query),
                [](const EventPage& page) { return json::EncodeEventPage(page); });
}

}  // namespace senderid::http::handlers
