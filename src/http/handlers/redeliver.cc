// POST /senderid/v1/webhooks/{webhookId}/redeliver (SPEC §12 endpoint 21): {"queued": N}.
#include "http/handlers/call.h"
#include "json/webhook_codec.h"

namespace senderid::http::handlers {

Response Redeliver(const Call& call) {
  Result<RedeliverInput> body = json::DecodeRedeliver(call.request.body);
  if (!body.ok()) return ErrorAnswer(body.error(), call.request_id());
  return Answer(call, call.services.webhooks.Redeliver(call.account_id(), call.route.param, *body),
                [](int queued) { return json::EncodeQueued(queued); });
}

}  // namespace senderid::http::handlers
