// POST /admin/v1/accounts/{id}/keys {"scopes"?} (SPEC §13): the secret shown once.
#include "http/admin/admin_call.h"
#include "json/admin_codec.h"

namespace senderid::http::admin::handlers {

Response CreateKey(const AdminCall& call) {
  Result<unsigned> scopes = json::DecodeCreateKey(call.request.body);
  if (!scopes.ok()) return ErrorAnswer(scopes.error(), call.request_id());
  return AdminAnswer(call, call.services.accounts.CreateKey(call.route.param, *scopes, call.actor()),
                     json::EncodeNewKey);
}

}  // namespace senderid::http::admin::handlers
