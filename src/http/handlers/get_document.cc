// GET /senderid/v1/documents/{documentId} (SPEC §4 endpoint 12).
#include "http/handlers/call.h"
#include "json/customer_codec.h"

namespace senderid::http::handlers {

Response GetDocument(const Call& call) {
  return Answer(call, call.services.documents.Get(call.account_id(), call.route.param),
                [&](const Document& d) { return json::EncodeDocument(d, call.options.public_url); });
}

}  // namespace senderid::http::handlers
