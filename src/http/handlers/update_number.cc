// PUT /senderid/v1/numbers/{phoneNumber} (SPEC §4 endpoint 4).
#include "core/catalogue.h"
#include "http/handlers/call.h"
#include "json/customer_codec.h"

namespace senderid::http::handlers {

Response UpdateNumber(const Call& call) {
  Result<json::UpdateStatusRequest> body = json::DecodeUpdateStatus(call.request.body);
  if (!body.ok()) return ErrorAnswer(body.error(), call.request_id());
  const std::optional<NumberStatus> status = ParseNumberStatus(body->status);
  if (!status || (*status != NumberStatus::kActive && *status != NumberStatus::kInactive))
    return ErrorAnswer(
        Error(ErrorCode::kValidationError, std::string(text::invalid::kStatusValue)),
        call.request_id());
  return DocAnswer(call,
                   call.services.numbers.UpdateStatus(call.account_id(), call.route.param, *status));
}

}  // namespace senderid::http::handlers
