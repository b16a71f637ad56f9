// POST /admin/v1/accounts {"name","limit"?} (SPEC §13): the account and its first key, the secret
// shown once.
#include "http/admin/admin_call.h"
#include "json/admin_codec.h"

namespace senderid::http::admin::handlers {

Response CreateAccount(const AdminCall& call) {
  Result<json::CreateAccountRequest> body = json::DecodeCreateAccount(call.request.body);
  if (!body.ok()) return ErrorAnswer(body.error(), call.request_id());
  return AdminAnswer(call, call.services.accounts.CreateAccount(body->name, body->limit, call.actor()),
                     [&](const Credentials& c) { return json::EncodeNewAccount(c, body->name); });
}

}  // namespace senderid::http::admin::handlers
