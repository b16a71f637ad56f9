// GET /readyz — readiness (SPEC §11): 200 {"status":"ready"} when the store is reachable and its
// schema current, else 503 {"status":"unavailable","reason":"…"}. No authentication. The reason
// is a fixed phrase; what the store said goes to the server log only (it may name hosts or paths).
#include <spdlog/spdlog.h>

#include "http/handlers/call.h"

namespace senderid::http::handlers {

Response Readyz(const Call& call) {
  Status ping = call.services.store.Ping();
  if (ping.ok()) return JsonAnswer(R"({"status":"ready"})");
  spdlog::warn("request {}: not ready: {}", call.request_id(), ping.error().message);
  Response r = JsonAnswer(
      R"({"status":"unavailable","reason":"the store is not reachable or not migrated"})");
  r.status = 503;
  r.headers.push_back({"Retry-After", "1"});
  return r;
}

}  // namespace senderid::http::handlers
