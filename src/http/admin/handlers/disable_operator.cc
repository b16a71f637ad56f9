// POST /admin/v1/operators/{name}/disable (SPEC §13): its sessions and tokens end.
#include "http/admin/admin_call.h"
#include "json/admin_codec.h"
#include "json/customer_codec.h"

namespace senderid::http::admin::handlers {

Response DisableOperator(const AdminCall& call) {
  Status body = json::DecodeEmptyBody(call.request.body);
  if (!body.ok()) return ErrorAnswer(body.error(), call.request_id());
  return AdminAnswer(call, call.services.operators.Disable(call.route.param, call.actor()),
                     json::EncodeOperator);
}

}  // namespace senderid::http::admin::handlers
