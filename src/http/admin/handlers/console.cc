// The console (SPEC §13): GET /admin/ is its one page, GET /admin/assets/{name} its scripts and
// styles, all compiled into the binary (http/admin/console_assets.h). Answered on the I/O thread;
// the pipeline adds the console's Content-Security-Policy (no inline script) to each.
#include "http/admin/admin_call.h"
#include "http/admin/console_assets.h"

namespace senderid::http::admin::handlers {
namespace {

Response Asset(const AdminCall& call, std::string_view name) {
  for (const ConsoleFile& a : ConsoleFiles()) {
    if (a.name != name) continue;
    Response r;
    r.content_type = std::string(a.content_type);
    r.body = std::string(a.bytes);
    r.headers.push_back({"Cache-Control", "no-cache"});
    return r;
  }
  return ErrorAnswer(HttpError::kResourceNotFound, "no such resource", call.request_id());
}

}  // namespace

Response ConsoleIndex(const AdminCall& call) { return Asset(call, "index.html"); }

Response ConsoleAsset(const AdminCall& call) {
  // The page itself is served at /admin/ only.
  if (call.route.param == "index.html")
    return ErrorAnswer(HttpError::kResourceNotFound, "no such resource", call.request_id());
  return Asset(call, call.route.param);
}

Response ConsoleRedirect(const AdminCall&) {
  Response r;
  r.status = 308;
  r.content_type = "text/plain; charset=utf-8";
  r.headers.push_back({"Location", "/admin/"});
  r.body = "/admin/\n";
  return r;
}

}  // namespace senderid::http::admin::handlers
