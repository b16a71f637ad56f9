// POST /admin/v1/keys/{apiKey}/revoke (SPEC §13): for good.
#include "http/admin/admin_call.h"
#include "json/customer_codec.h"
#include "json/operator_codec.h"

namespace senderid::http::admin::handlers {

Response RevokeKey(const AdminCall& call) {
  Status body = json::DecodeEmptyBody(call.request.body);
  if (!body.ok()) return ErrorAnswer(body.error(), call.request_id());
  Status revoked = call.services.accounts.RevokeKey(call.route.param, call.actor());
  if (!revoked.ok()) return ErrorAnswer(revoked.error(), call.request_id());
  return AdminJson(json::EncodeFields({{"apiKey", call.route.param}, {"status", "INACTIVE"}}));
}

}  // namespace senderid::http::admin::handlers
