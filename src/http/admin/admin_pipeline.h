#pragma once
// The admin listener (SPEC §13) as the server's Handler. Every request, in order:
//   I/O thread: Host must be the listen address or an --admin-host (else 421 MisdirectedRequest,
//               so that a DNS-rebinding page cannot reach the listener) → route once (404/405) →
//               the console's files answered inline → a request whose Sec-Fetch-Site is
//               cross-site, or whose Origin is not this listener's, 403 Forbidden
//   worker:     session cookie or bearer token (401 Unauthorized) → X-CSRF-Token for a session's
//               unsafe method (403) → role (403) → a body must be application/json (415) → the
//               route's handler: body (400) → unknown id (404) → state (409)
// Every answer carries the console's security headers (Content-Security-Policy without inline
// script and with frame-ancestors 'none', nosniff, Referrer-Policy: no-referrer, no caching) —
// except that a document's bytes keep the CSP of http/document_answer.h. Thread-safe.

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "http/admin/admin_call.h"
#include "http/router.h"
#include "http/server/server.h"

namespace senderid::http::admin {

class AdminPipeline final : public Handler {
 public:
  AdminPipeline(AdminOptions options, AdminServices services);

  Admission Admit(std::string_view method, std::string_view target) override;
  void Serve(const ExchangePtr& exchange, const RouteMatch& route) override;

  // Waits (up to `timeout`) until no request is on a worker (see Pipeline::WaitIdle).
  bool WaitIdle(std::chrono::milliseconds timeout);

  // The console's Content-Security-Policy (SPEC §13).
  static constexpr std::string_view kConsolePolicy =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
      "frame-src 'self'; object-src 'self'; connect-src 'self'; font-src 'self'; "
      "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

 private:
  using InFlight = std::shared_ptr<void>;
  InFlight Enter();
  // Refusals of the I/O thread: Host, then Origin and Sec-Fetch-Site. nullopt: go on.
  std::optional<Response> CheckOrigin(const Request& request) const;
  bool HostAllowed(std::string_view host) const;
  // On a worker: the operator, CSRF, role and Content-Type checks, then the handler.
  Response Run(const Request& request, const RouteMatch& route);
  void Respond(const ExchangePtr& exchange, Response response) const;

  AdminOptions options_;
  AdminServices services_;
  Router router_;
  std::mutex mu_;
  std::condition_variable idle_;
  int in_flight_ = 0;  // guarded by mu_
};

}  // namespace senderid::http::admin
