// POST /senderid/v1/papers/limitation (SPEC §4 endpoint 8).
#include "http/handlers/call.h"
#include "json/customer_codec.h"

namespace senderid::http::handlers {

Response RequestLimit(const Call& call) {
  Result<json::LimitationRequest> body = json::DecodeLimitation(call.request.body);
  if (!body.ok()) return ErrorAnswer(body.error(), call.request_id());
  return DocAnswer(call,
                   call.services.papers.RequestLimit(call.account_id(), body->documents, body->limit));
}

}  // namespace senderid::http::handlers
