// GET /senderid/v1/webhooks/{webhookId}/deliveries (SPEC §12 endpoint 20): newest first.
#include "http/handlers/call.h"
#include "json/webhook_codec.h"

namespace senderid::http::handlers {

Response ListDeliveries(const Call& call) {
  Result<QueryParams> params = Query(call);
  if (!params.ok()) return ErrorAnswer(params.error(), call.request_id());
  DeliveryFilter filter;
  for (const auto& [name, value] : *params) {
    if (name == "eventId") {
      filter.event_id = value;
    } else if (name == "startKey") {
      filter.start_key = value;
    } else if (name == "limit") {
      Result<int> limit = ParseLimit(value);
      if (!limit.ok()) return ErrorAnswer(limit.error(), call.request_id());
      filter.limit = *limit;
    }
  }
  return Answer(call,
                call.services.webhooks.ListDeliveries(call.account_id(), call.route.param, filter),
                [](const DeliveryPage& page) { return json::EncodeDeliveryPage(page); });
}

}  // namespace senderid::http::handlers
