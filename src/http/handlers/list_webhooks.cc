// GET /senderid/v1/webhooks (SPEC §12 endpoint 16): never with a secret.
#include "http/handlers/call.h"
#include "json/webhook_codec.h"

namespace senderid::http::handlers {

Response ListWebhooks(const Call& call) {
  return Answer(call, call.services.webhooks.List(call.account_id()),
                [](const std::vector<Webhook>& w) { return json::EncodeWebhooks(w); });
}

}  // namespace senderid::http::handlers
