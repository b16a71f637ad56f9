// DELETE /senderid/v1/documents (SPEC §4 endpoint 13): all or nothing.
#include "http/handlers/call.h"
#include "json/customer_codec.h"

namespace senderid::http::handlers {

Response DeleteDocuments(const Call& call) {
  Result<std::vector<std::string>> ids = json::DecodeDocumentIds(call.request.body);
  if (!ids.ok()) return ErrorAnswer(ids.error(), call.request_id());
  return Answer(call, call.services.documents.Delete(call.account_id(), *ids),
                [&](const std::vector<Document>& d) {
                  return json::EncodeDocuments(d, call.options.public_url);
                });
}

}  // namespace senderid::http::handlers
