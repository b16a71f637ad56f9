#include "http/readiness.h"

#include <spdlog/spdlog.h>

namespace senderid::http {

Response ReadinessAnswer(Store& store, const std::string& request_id) {
  Response r;
  Status ping = store.Ping();
  if (ping.ok()) {
    r.body = R"({"status":"ready"})";
    return r;
  }
  spdlog::warn("request {}: not ready: {}", request_id, ping.error().message);
  r.body = R"({"status":"unavailable","reason":"the store is not reachable or not migrated"})";
  r.status = 503;
  r.headers.push_back({"Retry-After", "1"});
  return r;
}

}  // namespace senderid::http
