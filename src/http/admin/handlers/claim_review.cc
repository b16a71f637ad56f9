// POST /admin/v1/reviews/{id}/claim (SPEC §13): the caller's for 15 minutes.
#include "http/admin/admin_call.h"
#include "json/admin_codec.h"
#include "json/customer_codec.h"

namespace senderid::http::admin::handlers {

Response ClaimReview(const AdminCall& call) {
  Status body = json::DecodeEmptyBody(call.request.body);
  if (!body.ok()) return ErrorAnswer(body.error(), call.request_id());
  return AdminAnswer(call, call.services.reviews.Claim(call.route.param, call.actor()),
                     json::EncodeReview);
}

}  // namespace senderid::http::admin::handlers
