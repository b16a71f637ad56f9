// GET /healthz on the admin listener: liveness only, answered on the I/O thread.
#include "http/admin/admin_call.h"

namespace senderid::http::admin::handlers {

Response Healthz(const AdminCall&) { return AdminJson(R"({"status":"ok"})"); }

}  // namespace senderid::http::admin::handlers
