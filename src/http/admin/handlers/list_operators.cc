// GET /admin/v1/operators (SPEC §13): by name.
#include "http/admin/admin_call.h"
#include "json/admin_codec.h"

namespace senderid::http::admin::handlers {

Response ListOperators(const AdminCall& call) {
  return AdminAnswer(call, call.services.operators.List(), json::EncodeOperatorList);
}

}  // namespace senderid::http::admin::handlers
