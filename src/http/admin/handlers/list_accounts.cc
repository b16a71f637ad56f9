// GET /admin/v1/accounts ?startKey=&limit= (SPEC §13): by account id.
#include "http/admin/admin_call.h"
#include "json/admin_codec.h"

namespace senderid::http::admin::handlers {

Response ListAccounts(const AdminCall& call) {
  Result<QueryParams> params = AdminQuery(call);
  if (!params.ok()) return ErrorAnswer(params.error(), call.request_id());
  std::string start_key;
  int limit = 50;
  for (const auto& [name, value] : *params) {
    if (name == "startKey") {
      start_key = value;
    } else if (name == "limit") {
      Result<int> parsed = PageLimit(value);
      if (!parsed.ok()) return ErrorAnswer(parsed.error(), call.request_id());
      limit = *parsed;
    }
  }
  return AdminAnswer(call, call.services.accounts.List(start_key, limit), json::EncodeAccountPage);
}

}  // namespace senderid::http::admin::handlers
