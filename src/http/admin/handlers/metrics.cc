// GET /metrics on the admin listener (SPEC §14): the Prometheus text of MetricsSource, on a
// worker (its scrape-time gauges read the store). No session: the listener is for a private
// network, and the text holds counts, never secrets.
#include "http/admin/admin_call.h"

namespace senderid::http::admin::handlers {

Response Metrics(const AdminCall& call) {
  Result<std::string> text = call.services.metrics.Scrape();
  if (!text.ok()) return ErrorAnswer(text.error(), call.request_id());
  Response r;
  r.content_type = std::string(MetricsSource::kContentType);
  r.body = std::move(text).value();
  return r;
}

}  // namespace senderid::http::admin::handlers
