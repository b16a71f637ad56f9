#pragma once
// The senderid/v1 API as an http::Handler: route → authenticate → decode → core service → encode.
// Thread-safe (Handle runs on many worker threads at once).

#include <cstddef>
#include <optional>
#include <string>

#include "core/services/authenticator.h"
#include "core/services/documents_service.h"
#include "core/services/numbers_service.h"
#include "core/services/papers_service.h"
#include "core/services/verification_service.h"
#include "http/router.h"
#include "http/server.h"

namespace senderid::http {

struct ApiOptions {
  size_t body_limit = 64 * 1024;
  size_t upload_body_limit = 1152 * 1024;  // a 700 KB file is ~934 KiB as base64
  std::string public_url;                  // prefix of document urls, no trailing slash
};

struct ApiServices {
  Authenticator& auth;
  NumbersService& numbers;
  VerificationService& verification;
  DocumentsService& documents;
  PapersService& papers;
};

class Api final : public Handler {
 public:
  Api(ApiOptions options, ApiServices services);

  size_t BodyLimit(std::string_view method, std::string_view target) const override;
  std::optional<Response> HandleInline(const Request& request) override;
  Response Handle(const Request& request) override;
  // Reads that never write (GET active numbers, documents) skip the worker pool: authentication
  // goes into the store's group commit without blocking a thread, and the read runs on the I/O
  // strand once the signature is spent.
  bool HandleAsync(const Request& request, const Responder& respond) override;

 private:
  Response Dispatch(const Request& request, const RouteMatch& route, const AuthContext& auth);
  Response NumbersList(const Request& request, const RouteMatch& route,
                       const AuthContext& auth);
  Response DocumentsList(const Request& request, const RouteMatch& route,
                         const AuthContext& auth);
  Response Upload(const Request& request, const AuthContext& auth);

  ApiOptions options_;
  ApiServices s_;
};

// The JSON error answer for `error` (status, body, Retry-After). 5xx answers show a generic text
// with the request id; the details go to the server log.
Response ErrorResponse(const Error& error, const std::string& request_id);

}  // namespace senderid::http
