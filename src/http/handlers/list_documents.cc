// GET /senderid/v1/documents (SPEC §4 endpoint 11).
#include "core/document_content.h"
#include "http/handlers/call.h"
#include "json/customer_codec.h"

namespace senderid::http::handlers {

Response ListDocuments(const Call& call) {
  Result<QueryParams> params = Query(call);
  if (!params.ok()) return ErrorAnswer(params.error(), call.request_id());
  DocumentFilter filter;
  const auto fail = [&](std::string why) {
    return ErrorAnswer(Error(ErrorCode::kValidationError, std::move(why)), call.request_id());
  };
  for (const auto& [name, value] : *params) {
    if (name == "documentId") {
      filter.document_id = value;
    } else if (name == "startDate" || name == "endDate") {
      const bool end = name == "endDate";
      const std::optional<TimeMs> t = ParseFilterDate(value, end);
      if (!t) return fail(name + ": an ISO date or date-time expected");
      (end ? filter.created_to : filter.created_from) = *t;
    } else if (name == "category") {
      filter.category = NormalizeCategory(value);
      if (!filter.category) return fail("category: unknown category");
    } else if (name == "use") {
      if (value != "true" && value != "false") return fail("use: true or false expected");
      filter.use = value == "true";
    } else if (name == "startKey") {
      filter.start_key = value;
    } else if (name == "limit") {
      Result<int> limit = ParseLimit(value);
      if (!limit.ok()) return ErrorAnswer(limit.error(), call.request_id());
      filter.limit = *limit;
    }
  }
  return Answer(call, call.services.documents.List(call.account_id(), filter),
                [&](const DocumentPage& p) {
                  return json::EncodeDocumentPage(p, call.options.public_url);
                });
}

}  // namespace senderid::http::handlers
