// POST /admin/v1/operators {"name","role"} (SPEC §13): the generated password shown once.
#include "http/admin/admin_call.h"
#include "json/admin_codec.h"

namespace senderid::http::admin::handlers {

Response CreateOperator(const AdminCall& call) {
  Result<json::CreateOperatorRequest> body = json::DecodeCreateOperator(call.request.body);
  if (!body.ok()) return ErrorAnswer(body.error(), call.request_id());
  return AdminAnswer(call,
                     call.services.operators.Create(body->name, body->role, std::nullopt, call.actor()),
                     json::EncodeOperatorCredentials);
}

}  // namespace senderid::http::admin::handlers
