// GET /senderid/v1/documents/{documentId}/file (SPEC §3.6 `url`): the bytes, typed by their magic
// bytes, with headers that keep any content from running script in a browser (SPEC §13).
#include "http/handlers/call.h"

namespace senderid::http::handlers {

Response DocumentFile(const Call& call) {
  Result<senderid::DocumentFile> file =
      call.services.documents.Download(call.account_id(), call.route.param);
  if (!file.ok()) return ErrorAnswer(file.error(), call.request_id());
  Response r;
  r.content_type = file->document.content_type;
  r.headers.push_back({"Content-Disposition", "inline; filename=\"" + file->document.name + "\""});
  r.headers.push_back({"X-Content-Type-Options", "nosniff"});
  // No script, no frames but ours. `sandbox` also makes a polyglot image an opaque origin; it would
  // stop Chromium's PDF viewer from showing a PDF inline, whose content type already keeps it from
  // being read as HTML.
  const bool pdf = file->document.content_type == "application/pdf";
  r.headers.push_back({"Content-Security-Policy",
                       pdf ? "default-src 'none'; frame-ancestors 'self'"
                           : "default-src 'none'; frame-ancestors 'self'; sandbox"});
  r.body = std::move(file->bytes);
  return r;
}

}  // namespace senderid::http::handlers
