// GET /admin/v1/session (SPEC §13): who is signed in, and the CSRF token again (a reloaded page).
#include "http/admin/admin_call.h"
#include "json/admin_codec.h"

namespace senderid::http::admin::handlers {

Response CurrentSession(const AdminCall& call) {
  return AdminJson(json::EncodeSession(call.context.op, call.context.csrf_token));
}

}  // namespace senderid::http::admin::handlers
