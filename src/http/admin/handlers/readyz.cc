// GET /readyz on the admin listener: the customer listener's readiness (http/readiness.h).
#include "http/admin/admin_call.h"
#include "http/readiness.h"

namespace senderid::http::admin::handlers {

Response Readyz(const AdminCall& call) {
  return ReadinessAnswer(call.services.store, call.request_id());
}

}  // namespace senderid::http::admin::handlers
