// GET /admin/v1/accounts/{id} (SPEC §13): the account with its keys, never a secret.
#include "http/admin/admin_call.h"
#include "json/admin_codec.h"

namespace senderid::http::admin::handlers {

Response GetAccount(const AdminCall& call) {
  return AdminAnswer(call, call.services.accounts.Get(call.route.param), json::EncodeAccountView);
}

}  // namespace senderid::http::admin::handlers
