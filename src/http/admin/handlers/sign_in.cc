// POST /admin/v1/session {"name","password"} (SPEC §13): sign-in; the session travels in a cookie.
#include "http/admin/admin_call.h"
#include "json/admin_codec.h"

namespace senderid::http::admin::handlers {

Response SignIn(const AdminCall& call) {
  Result<json::SignInRequest> body = json::DecodeSignIn(call.request.body);
  if (!body.ok()) return ErrorAnswer(body.error(), call.request_id());
  Result<SignedIn> in =
      call.services.auth.SignIn(body->name, body->password, call.request.peer_address);
  if (!in.ok()) return ErrorAnswer(in.error(), call.request_id());
  Response r = AdminJson(json::EncodeSession(in->op, in->csrf_token));
  r.headers.push_back(
      {"Set-Cookie", SessionCookieHeader(in->session_token, call.options.secure_cookies)});
  r.log_account = in->op.name;
  return r;
}

}  // namespace senderid::http::admin::handlers
