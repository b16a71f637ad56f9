// GET /admin/v1/openapi.json (SPEC §14): the admin API's OpenAPI document, exactly the bytes of
// docs/openapi/admin.json. Public like the customer one: it describes the API, it holds no data.
#include "http/admin/admin_call.h"
#include "http/openapi_documents.h"

namespace senderid::http::admin::handlers {

Response OpenApi(const AdminCall&) {
  Response r = AdminJson(std::string(AdminOpenApiDocument()));
  r.headers.push_back({"Cache-Control", "public, max-age=300"});
  return r;
}

}  // namespace senderid::http::admin::handlers
