// GET /senderid/v1/openapi.json (SPEC §14): the customer API's OpenAPI document, exactly the bytes
// of docs/openapi/customer.json. Public, answered on the I/O thread (a static buffer, no store).
#include "http/handlers/call.h"
#include "http/openapi_documents.h"

namespace senderid::http::handlers {

namespace {

Response DocumentAnswer(std::string_view document) {
  Response r = JsonAnswer(std::string(document));
  // The document changes only with the binary: let clients and proxies keep it a few minutes.
  r.headers.push_back({"Cache-Control", "public, max-age=300"});
  return r;
}

}  // namespace

Response CustomerOpenApi(const Call&) { return DocumentAnswer(CustomerOpenApiDocument()); }

}  // namespace senderid::http::handlers
