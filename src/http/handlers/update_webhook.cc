// PUT /senderid/v1/webhooks/{webhookId} (SPEC §12 endpoint 17).
#include "http/handlers/call.h"
#include "json/webhook_codec.h"

namespace senderid::http::handlers {

Response UpdateWebhook(const Call& call) {
  Result<WebhookInput> body = json::DecodeUpdateWebhook(call.request.body);
  if (!body.ok()) return ErrorAnswer(body.error(), call.request_id());
  return Answer(call, call.services.webhooks.Update(call.account_id(), call.route.param, *body),
                [](const Webhook& w) { return json::EncodeWebhook(w); });
}

}  // namespace senderid::http::handlers
