// POST /senderid/v1/papers/duplicate/{phoneNumber} (SPEC §4 endpoint 9).
#include "http/handlers/call.h"
#include "json/customer_codec.h"

namespace senderid::http::handlers {

Response RequestUnlock(const Call& call) {
  Result<json::DuplicateRequest> body = json::DecodeDuplicate(call.request.body);
  if (!body.ok()) return ErrorAnswer(body.error(), call.request_id());
  return DocAnswer(call, call.services.papers.RequestUnlock(call.auth.account, call.route.param,
                                                            body->reason, body->name));
}

}  // namespace senderid::http::handlers
