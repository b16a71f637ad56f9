// GET /admin/v1/audit ?operator=&target=&action=&startKey=&limit= (SPEC §13): newest first.
#include "http/admin/admin_call.h"
#include "json/admin_codec.h"

namespace senderid::http::admin::handlers {

Response ListAudit(const AdminCall& call) {
  Result<QueryParams> params = AdminQuery(call);
  if (!params.ok()) return ErrorAnswer(params.error(), call.request_id());
  AuditFilter filter;
  for (const auto& [name, value] : *params) {
    if (name == "operator") {
      filter.operator_name = value;
    } else if (name == "target") {
      filter.target = value;
    } else if (name == "action") {
      filter.action = value;
    } else if (name == "startKey") {
      filter.start_key = value;
    } else if (name == "limit") {
      Result<int> limit = PageLimit(value);
      if (!limit.ok()) return ErrorAnswer(limit.error(), call.request_id());
      filter.limit = *limit;
    }
  }
  return AdminAnswer(call, call.services.views.Audit(filter), json::EncodeAuditPage);
}

}  // namespace senderid::http::admin::handlers
