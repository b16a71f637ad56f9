// POST /admin/v1/accounts/{id}/deactivate and …/activate (SPEC §13, §10).
#include "http/admin/admin_call.h"
#include "json/admin_codec.h"
#include "json/customer_codec.h"

namespace senderid::http::admin::handlers {
namespace {

Response SetState(const AdminCall& call, ActiveState state) {
  Status body = json::DecodeEmptyBody(call.request.body);
  if (!body.ok()) return ErrorAnswer(body.error(), call.request_id());
  Result<Account> changed =
      call.services.accounts.SetAccountState(call.route.param, state, call.actor());
  if (!changed.ok()) return ErrorAnswer(changed.error(), call.request_id());
  return AdminAnswer(call, call.services.accounts.Get(call.route.param), json::EncodeAccountView);
}

}  // namespace

Response DeactivateAccount(const AdminCall& call) { return SetState(call, ActiveState::kInactive); }
Response ActivateAccount(const AdminCall& call) { return SetState(call, ActiveState::kActive); }

}  // namespace senderid::http::admin::handlers
