// POST /senderid/v1/papers/approval/{phoneNumber} (SPEC §4 endpoint 7).
#include "http/handlers/call.h"
#include "json/customer_codec.h"

namespace senderid::http::handlers {

Response SubmitEvidence(const Call& call) {
  Result<std::vector<std::string>> docs = json::DecodeDocumentIds(call.request.body);
  if (!docs.ok()) return ErrorAnswer(docs.error(), call.request_id());
  return DocAnswer(call,
                   call.services.papers.SubmitEvidence(call.account_id(), call.route.param, *docs));
}

}  // namespace senderid::http::handlers
