// GET /senderid/v1/numbers (SPEC §4 endpoint 2, paging of §8).
#include "http/handlers/call.h"

namespace senderid::http::handlers {

Response ListNumbers(const Call& call) {
  Result<QueryParams> params = Query(call);
  if (!params.ok()) return ErrorAnswer(params.error(), call.request_id());
  NumberPageQuery page;
  bool paged = false;
  for (const auto& [name, value] : *params) {
    if (name == "status") {
      page.status = ParseNumberStatus(value);
      if (!page.status)
        return ErrorAnswer(
            Error(ErrorCode::kValidationError,
                  "status: PENDING, ACTIVE, INACTIVE, DUPLICATED or EXPIRED expected"),
            call.request_id());
    } else if (name == "phoneNumber") {
      page.phone_number = value;
    } else if (name == "startKey") {
      page.start_key = value;
    } else if (name == "limit") {
      Result<int> limit = ParseLimit(value);
      if (!limit.ok()) return ErrorAnswer(limit.error(), call.request_id());
      page.limit = *limit;
    } else {
      continue;  // unknown parameters are ignored, as SOLAPI does
    }
    paged = true;
  }
  return DocAnswer(call, call.services.numbers.Get(call.account_id(), paged ? &page : nullptr));
}

}  // namespace senderid::http::handlers
