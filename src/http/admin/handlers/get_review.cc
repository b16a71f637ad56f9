// GET /admin/v1/reviews/{id} (SPEC §13).
#include "http/admin/admin_call.h"
#include "json/admin_codec.h"

namespace senderid::http::admin::handlers {

Response GetReview(const AdminCall& call) {
  return AdminAnswer(call, call.services.reviews.Get(call.route.param), json::EncodeReview);
}

}  // namespace senderid::http::admin::handlers
