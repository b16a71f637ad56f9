// PUT /admin/v1/accounts/{id} {"limit"} (SPEC §13): an integer ≥ 1; may go below the current count.
#include "http/admin/admin_call.h"
#include "json/admin_codec.h"

namespace senderid::http::admin::handlers {

Response UpdateAccount(const AdminCall& call) {
  Result<int> limit = json::DecodeChangeLimit(call.request.body);
  if (!limit.ok()) return ErrorAnswer(limit.error(), call.request_id());
  return AdminAnswer(call, call.services.accounts.ChangeLimit(call.route.param, *limit, call.actor()),
                     json::EncodeAccountView);
}

}  // namespace senderid::http::admin::handlers
