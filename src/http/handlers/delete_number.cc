// DELETE /senderid/v1/numbers/{phoneNumber} (SPEC §4 endpoint 5).
#include "http/handlers/call.h"
#include "json/customer_codec.h"

namespace senderid::http::handlers {

Response DeleteNumber(const Call& call) {
  Status body = json::DecodeEmptyBody(call.request.body);
  if (!body.ok()) return ErrorAnswer(body.error(), call.request_id());
  return DocAnswer(call, call.services.numbers.Delete(call.account_id(), call.route.param));
}

}  // namespace senderid::http::handlers
