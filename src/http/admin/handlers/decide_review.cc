// POST /admin/v1/reviews/{id}/approve {"reason"?} and …/reject {"reasonCode"?, "reason"}
// (SPEC §13): the decisions of §10, respecting other operators' claims.
#include "http/admin/admin_call.h"
#include "json/admin_codec.h"

namespace senderid::http::admin::handlers {
namespace {

Response Decide(const AdminCall& call, bool approve) {
  Result<json::DecisionRequest> body =
      approve ? json::DecodeApprove(call.request.body) : json::DecodeReject(call.request.body);
  if (!body.ok()) return ErrorAnswer(body.error(), call.request_id());
  Decision decision;
  decision.decided_by = call.context.op.name;
  decision.reason = body->reason;
  decision.reason_code = body->reason_code;
  decision.source_address = call.request.peer_address;
  decision.claims = ClaimRule::kHonour;
  const std::string& id = call.route.param;
  Result<ReviewItem> decided = approve ? call.services.reviews.Approve(id, decision)
                                       : call.services.reviews.Reject(id, decision);
  if (!decided.ok()) return ErrorAnswer(decided.error(), call.request_id());
  return AdminAnswer(call, call.services.reviews.Get(id), json::EncodeReview);
}

}  // namespace

Response ApproveReview(const AdminCall& call) { return Decide(call, true); }
Response RejectReview(const AdminCall& call) { return Decide(call, false); }

}  // namespace senderid::http::admin::handlers
