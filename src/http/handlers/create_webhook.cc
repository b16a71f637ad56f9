// POST /senderid/v1/webhooks (SPEC §12 endpoint 15).
#include "http/handlers/call.h"
#include "json/webhook_codec.h"

namespace senderid::http::handlers {

Response CreateWebhook(const Call& call) {
  Result<WebhookInput> body = json::DecodeCreateWebhook(call.request.body);
  if (!body.ok()) return ErrorAnswer(body.error(), call.request_id());
  return Answer(call, call.services.webhooks.Create(call.account_id(), *body),
                [](const WebhookWithSecret& w) { return json::EncodeWebhook(w.webhook, &w.secret); });
}

}  // namespace senderid::http::handlers
