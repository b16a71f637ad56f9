// POST /senderid/v1/numbers (SPEC §4 endpoint 1).
#include "http/handlers/call.h"
#include "json/customer_codec.h"

namespace senderid::http::handlers {

Response CreateNumber(const Call& call) {
  Result<json::CreateNumberRequest> body = json::DecodeCreateNumber(call.request.body);
  if (!body.ok()) return ErrorAnswer(body.error(), call.request_id());
  return DocAnswer(call, call.services.numbers.Create(call.account_id(), body->phone_number,
                                                      body->documents));
}

}  // namespace senderid::http::handlers
