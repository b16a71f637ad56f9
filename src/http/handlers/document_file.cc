// GET /senderid/v1/documents/{documentId}/file (SPEC §3.6 `url`): the bytes, with the headers of
// http/document_answer.h (shared with the operators' route).
#include "http/document_answer.h"
#include "http/handlers/call.h"

namespace senderid::http::handlers {

Response DocumentFile(const Call& call) {
  Result<senderid::DocumentFile> file =
      call.services.documents.Download(call.account_id(), call.route.param);
  if (!file.ok()) return ErrorAnswer(file.error(), call.request_id());
  return DocumentBytesAnswer(std::move(file).value());
}

}  // namespace senderid::http::handlers
