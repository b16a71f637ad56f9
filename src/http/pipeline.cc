#include "http/pipeline.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <memory>

#include "core/catalogue.h"
#include "http/routes.h"

namespace senderid::http {
namespace {

Scope ScopeOf(Access access) { return access == Access::kRead ? kScopeRead : kScopeWrite; }

// SPEC §2: the header is `Authorization`, also spelled `Authentication` (the seed page's name);
// exactly one of them.
Result<const std::string*> AuthorizationOf(const Request& request) {
  const size_t count =
      request.CountHeader("Authorization") + request.CountHeader("Authentication");
  if (count > 1)
    return Error(ErrorCode::kInvalidAPIKey, std::string(text::message::kAuthorizationRepeated));
  if (const std::string* h = request.FindHeader("Authorization")) return h;
  return request.FindHeader("Authentication");
}

}  // namespace

Pipeline::Pipeline(ApiOptions options, ApiServices services)
    : options_(std::move(options)), services_(services), router_(CustomerRoutes()) {
  while (!options_.public_url.empty() && options_.public_url.back() == '/')
    options_.public_url.pop_back();
}

Admission Pipeline::Admit(std::string_view method, std::string_view target) {
  Admission a;
  a.route = router_.Match(method, target);
  const bool upload = a.route.route != nullptr && a.route.route->body == BodySize::kUpload;
  a.body_limit = upload ? options_.upload_body_limit : options_.body_limit;
  return a;
}

void Pipeline::Serve(const ExchangePtr& exchange, const RouteMatch& route) {
  const std::string& id = exchange->request().request_id;
  if (route.outcome == RouteOutcome::kNotFound)
    return exchange->Respond(ErrorAnswer(HttpError::kResourceNotFound, "no such resource", id));
  if (route.outcome == RouteOutcome::kMethodNotAllowed)
    return exchange->Respond(
        ErrorAnswer(HttpError::kMethodNotAllowed, "method not allowed on this resource", id));
  if (route.route->run == RunOn::kInline) return Run(exchange, route, AuthContext{});

  exchange->Offload([this, exchange, route, token = Enter()] {
    if (route.route->access == Access::kPublic) return Run(exchange, route, AuthContext{});
    Result<const std::string*> header = AuthorizationOf(exchange->request());
    if (!header.ok())
      return exchange->Respond(ErrorAnswer(header.error(), exchange->request().request_id));
    if (route.route->access == Access::kRead) return ServeRead(exchange, route, *header, token);
    // A write waits for its signature to be spent; the ledger answers on its own thread, so the
    // handler goes back to a worker.
    services_.auth.Authenticate(
        *header, ScopeOf(route.route->access),
        [this, exchange, route, token](Result<AuthContext> auth) {
          if (!auth.ok())
            return exchange->Respond(ErrorAnswer(auth.error(), exchange->request().request_id));
          exchange->Offload([this, exchange, route, token, auth = std::move(auth).value()] {
            Run(exchange, route, auth);
          });
        });
  });
}

void Pipeline::ServeRead(const ExchangePtr& exchange, const RouteMatch& route,
                         const std::string* header, const InFlight& token) {
  const std::string& id = exchange->request().request_id;
  Result<Authenticator::Checked> checked = services_.auth.Check(header, kScopeRead);
  if (!checked.ok()) return exchange->Respond(ErrorAnswer(checked.error(), id));
  // A read changes nothing, so it runs while its signature is being spent, and its answer waits
  // for the ledger: no hand-off back to a worker, and the fsync overlaps the handler's work.
  auto response = std::make_shared<Response>(
      checked->outcome.ok() ? Handle(exchange, route, *checked->outcome)
                            : ErrorAnswer(checked->outcome.error(), id));
  services_.auth.Spend(*checked, [exchange, response, token](Status spent) {
    if (!spent.ok())
      return exchange->Respond(ErrorAnswer(spent.error(), exchange->request().request_id));
    exchange->Respond(std::move(*response));
  });
}

Pipeline::InFlight Pipeline::Enter() {
  {
    std::lock_guard lock(mu_);
    ++in_flight_;
  }
  return InFlight(nullptr, [this](void*) {
    std::lock_guard lock(mu_);
    if (--in_flight_ == 0) idle_.notify_all();
  });
}

bool Pipeline::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return idle_.wait_for(lock, timeout, [&] { return in_flight_ == 0; });
}

Response Pipeline::Handle(const ExchangePtr& exchange, const RouteMatch& route,
                          const AuthContext& auth) {
  const Request& request = exchange->request();
  Response response;
  try {
    response = route.route->handler(Call{request, route, auth, services_, options_});
  } catch (const std::exception& e) {
    response = ErrorAnswer(HttpError::kInternal, std::string("handler threw: ") + e.what(),
                           request.request_id);
  } catch (...) {
    response = ErrorAnswer(HttpError::kInternal, "handler threw", request.request_id);
  }
  response.log_account = auth.account.account_id;
  return response;
}

void Pipeline::Run(const ExchangePtr& exchange, const RouteMatch& route, const AuthContext& auth) {
  exchange->Respond(Handle(exchange, route, auth));
}

}  // namespace senderid::http
