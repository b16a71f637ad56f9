#include "http/document_answer.h"

#include <utility>

namespace senderid::http {

Response DocumentBytesAnswer(DocumentFile file) {
  Response r;
  r.content_type = file.document.content_type;
  r.headers.push_back({"Content-Disposition", "inline; filename=\"" + file.document.name + "\""});
  r.headers.push_back({"X-Content-Type-Options", "nosniff"});
  const bool pdf = file.document.content_type == "application/pdf";
  r.headers.push_back({"Content-Security-Policy",
                       pdf ? "default-src 'none'; frame-ancestors 'self'"
                           : "default-src 'none'; frame-ancestors 'self'; sandbox"});
  r.headers.push_back({"Cross-Origin-Resource-Policy", "same-origin"});
  r.headers.push_back({"Cache-Control", "private, no-store"});
  r.body = std::move(file.bytes);
  return r;
}

}  // namespace senderid::http
