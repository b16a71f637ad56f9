// DELETE /admin/v1/session (SPEC §13): ends the session and clears the cookie.
#include "http/admin/admin_call.h"
#include "json/customer_codec.h"

namespace senderid::http::admin::handlers {

Response SignOut(const AdminCall& call) {
  Status out = call.services.auth.SignOut(call.context, call.request.peer_address);
  if (!out.ok()) return ErrorAnswer(out.error(), call.request_id());
  Response r = AdminJson(R"({"status":"signed out"})");
  r.headers.push_back({"Set-Cookie", ClearedCookieHeader(call.options.secure_cookies)});
  return r;
}

}  // namespace senderid::http::admin::handlers
