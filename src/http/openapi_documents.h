#pragma once
// The OpenAPI 3.1 documents of SPEC §14, compiled into the binary at build time from
// docs/openapi/*.json (cmake/embed_files.cmake generates their definitions into the build
// directory). The views refer to static storage: valid for the whole program, thread-safe.

#include <string_view>

namespace senderid::http {

// docs/openapi/customer.json, byte for byte: served at GET /senderid/v1/openapi.json.
std::string_view CustomerOpenApiDocument();
// docs/openapi/admin.json, byte for byte: served at GET /admin/v1/openapi.json (admin listener).
std::string_view AdminOpenApiDocument();

}  // namespace senderid::http
