// POST /senderid/v1/webhooks/{webhookId}/rotate-secret (SPEC §12 endpoint 19): with the new secret.
#include "http/handlers/call.h"
#include "json/customer_codec.h"
#include "json/webhook_codec.h"

namespace senderid::http::handlers {

Response RotateWebhookSecret(const Call& call) {
  if (Status body = json::DecodeEmptyBody(call.request.body); !body.ok())
    return ErrorAnswer(body.error(), call.request_id());
  return Answer(call, call.services.webhooks.RotateSecret(call.account_id(), call.route.param),
                [](const WebhookWithSecret& w) { return json::EncodeWebhook(w.webhook, &w.secret); });
}

}  // namespace senderid::http::handlers
