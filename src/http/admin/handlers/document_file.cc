// GET /admin/v1/documents/{documentId}/file (SPEC §13): a document's bytes for an operator (any
// account's), audited as document.view, with the headers of http/document_answer.h.
#include "http/admin/admin_call.h"
#include "http/document_answer.h"

namespace senderid::http::admin::handlers {

Response DocumentFile(const AdminCall& call) {
  Result<senderid::DocumentFile> file =
      call.services.views.DocumentBytes(call.route.param, call.actor());
  if (!file.ok()) return ErrorAnswer(file.error(), call.request_id());
  return DocumentBytesAnswer(std::move(file).value());
}

}  // namespace senderid::http::admin::handlers
