// POST /senderid/v1/documents (SPEC §4 endpoint 10).
#include "crypto/base64.h"
#include "http/handlers/call.h"
#include "json/customer_codec.h"

namespace senderid::http::handlers {

Response UploadDocument(const Call& call) {
  Result<json::UploadRequest> body = json::DecodeUpload(call.request.body);
  if (!body.ok()) return ErrorAnswer(body.error(), call.request_id());
  Result<std::string> bytes = DecodeFileField(body->file);
  if (!bytes.ok()) return ErrorAnswer(bytes.error(), call.request_id());
  UploadInput upload{std::move(bytes).value(), body->category, body->name};
  return Answer(call, call.services.documents.Upload(call.account_id(), upload),
                [&](const Document& d) { return json::EncodeDocument(d, call.options.public_url); });
}

}  // namespace senderid::http::handlers
