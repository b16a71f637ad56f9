// DELETE /senderid/v1/webhooks/{webhookId} (SPEC §12 endpoint 18): the deleted webhook.
#include "http/handlers/call.h"
#include "json/customer_codec.h"
#include "json/webhook_codec.h"

namespace senderid::http::handlers {

Response DeleteWebhook(const Call& call) {
  if (Status body = json::DecodeEmptyBody(call.request.body); !body.ok())
    return ErrorAnswer(body.error(), call.request_id());
  return Answer(call, call.services.webhooks.Delete(call.account_id(), call.route.param),
                [](const Webhook& w) { return json::EncodeWebhook(w); });
}

}  // namespace senderid::http::handlers
