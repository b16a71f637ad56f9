// GET /senderid/v1/webhooks/{webhookId} (SPEC §12 endpoint 16a): without its secret.
#include "http/handlers/call.h"
#include "json/webhook_codec.h"

namespace senderid::http::handlers {

Response GetWebhook(const Call& call) {
  return Answer(call, call.services.webhooks.Get(call.account_id(), call.route.param),
                [](const Webhook& w) { return json::EncodeWebhook(w); });
}

}  // namespace senderid::http::handlers
