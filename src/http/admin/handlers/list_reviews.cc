// GET /admin/v1/reviews ?status=PENDING&kind=&accountId=&startKey=&limit= (SPEC §13): oldest first.
#include "http/admin/admin_call.h"
#include "json/admin_codec.h"

namespace senderid::http::admin::handlers {

Response ListReviews(const AdminCall& call) {
  Result<QueryParams> params = AdminQuery(call);
  if (!params.ok()) return ErrorAnswer(params.error(), call.request_id());
  const auto fail = [&](std::string why) {
    return ErrorAnswer(Error(ErrorCode::kValidationError, std::move(why)), call.request_id());
  };
  ReviewFilter filter;
  filter.status = RequestStatus::kPending;
  filter.limit = 50;
  for (const auto& [name, value] : *params) {
    if (name == "status") {
      if (value == "ALL") {
        filter.status.reset();
      } else {
        filter.status = ParseRequestStatus(value);
        if (!filter.status) return fail("status: PENDING, APPROVED, REJECTED, CANCELLED or ALL expected");
      }
    } else if (name == "kind") {
      if (value.empty()) continue;
      filter.kind = ParseReviewKind(value);
      if (!filter.kind) return fail("kind: approval, limitation or duplicate expected");
    } else if (name == "accountId") {
      filter.account_id = value;
    } else if (name == "startKey") {
      filter.start_key = value;
    } else if (name == "limit") {
      Result<int> limit = PageLimit(value);
      if (!limit.ok()) return ErrorAnswer(limit.error(), call.request_id());
      filter.limit = *limit;
    }
  }
  return AdminAnswer(call, call.services.reviews.ListPage(filter), json::EncodeReviewPage);
}

}  // namespace senderid::http::admin::handlers
