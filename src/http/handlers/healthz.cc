// GET /healthz — liveness only: answered on the I/O thread, touches nothing.
#include "http/handlers/call.h"

namespace senderid::http::handlers {

Response Healthz(const Call&) { return JsonAnswer(R"({"status":"ok"})"); }

}  // namespace senderid::http::handlers
