#pragma once
// The senderid/v1 API as an http::Handler: route → authenticate → decode → core service → encode.
// Thread-safe (Handle runs on many worker threads at once).

#include <cstddef>
#include <optional>

#include "core/services/authenticator.h"
#include "core/services/numbers_service.h"
#include "core/services/verification_service.h"
#include "http/router.h"
#include "http/server.h"

namespace senderid::http {

struct ApiOptions {
  size_t body_limit = 64 * 1024;
};

class Api final : public Handler {
 public:
  Api(ApiOptions options, Authenticator& auth, NumbersService& numbers,
      VerificationService& verification);

  size_t BodyLimit(std::string_view method, std::string_view target) const override;
  std::optional<Response> HandleInline(const Request& request) override;
  Response Handle(const Request& request) override;

 private:
  Response Dispatch(const Request& request, const RouteMatch& route, const AuthContext& auth);
  Response NumbersList(const Request& request, const RouteMatch& route,
                       const AuthContext& auth);

  ApiOptions options_;
  Authenticator& auth_;
  NumbersService& numbers_;
  VerificationService& verification_;
};

// The JSON error answer for `error` (status, body, Retry-After). 5xx answers show a generic text
// with the request id; the details go to the server log.
Response ErrorResponse(const Error& error, const std::string& request_id);

}  // namespace senderid::http
