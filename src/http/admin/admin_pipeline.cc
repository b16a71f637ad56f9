#include "http/admin/admin_pipeline.h"

#include <spdlog/spdlog.h>

#include <exception>

#include "core/catalogue.h"
#include "http/admin/admin_routes.h"

namespace senderid::http::admin {
namespace {

const AdminRoute& RouteOf(const RouteMatch& match) { return AdminRoutes()[match.index]; }

bool Safe(std::string_view method) { return method == "GET" || method == "HEAD"; }

Response Refuse(ErrorCode code, std::string_view text, const std::string& request_id) {
  return ErrorAnswer(Error(code, std::string(text)), request_id);
}

// "application/json", with or without parameters (charset), any case.
bool IsJson(const std::string* content_type) {
  if (content_type == nullptr) return false;
  std::string_view type = *content_type;
  type = type.substr(0, type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  return EqualsIgnoreCase(type, "application/json");
}

// The token of `Authorization: Bearer <token>`, or "" (another scheme, or none).
std::string BearerToken(const Request& request) {
  const std::string* h = request.FindHeader("Authorization");
  if (h == nullptr) return std::string();
  std::string_view v = *h;
  constexpr std::string_view kScheme = "bearer ";
  if (v.size() <= kScheme.size() || !EqualsIgnoreCase(v.substr(0, kScheme.size()), kScheme))
    return std::string();
  v.remove_prefix(kScheme.size());
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  return std::string(v);
}

void AddHeader(Response& r, std::string_view name, std::string_view value) {
  for (const Header& h : r.headers)
    if (EqualsIgnoreCase(h.name, name)) return;  // the handler's own value stays
  r.headers.push_back({std::string(name), std::string(value)});
}

}  // namespace

AdminPipeline::AdminPipeline(AdminOptions options, AdminServices services)
    : options_(std::move(options)),
      services_(services),
      router_(Router::Of(AdminRoutes())) {}

Admission AdminPipeline::Admit(std::string_view method, std::string_view target) {
  Admission a;
  a.route = router_.Match(method, target);
  a.body_limit = options_.body_limit;
  return a;
}

bool AdminPipeline::HostAllowed(std::string_view host) const {
  for (const std::string& allowed : options_.hosts)
    if (EqualsIgnoreCase(host, allowed)) return true;
  return false;
}

std::optional<Response> AdminPipeline::CheckOrigin(const Request& request) const {
  const std::string& id = request.request_id;
  if (const std::string* site = request.FindHeader("Sec-Fetch-Site");
      site != nullptr && EqualsIgnoreCase(*site, "cross-site"))
    return Refuse(ErrorCode::kForbidden, text::admin::kCrossSite, id);
  if (const std::string* origin = request.FindHeader("Origin")) {
    std::string_view o = *origin;
    bool own = false;
    for (std::string_view scheme : {"http://", "https://"})
      if (o.size() > scheme.size() && EqualsIgnoreCase(o.substr(0, scheme.size()), scheme))
        own = HostAllowed(o.substr(scheme.size()));
    if (!own || request.CountHeader("Origin") > 1)
      return Refuse(ErrorCode::kForbidden, text::admin::kCrossSite, id);
  }
  return std::nullopt;
}

void AdminPipeline::Serve(const ExchangePtr& exchange, const RouteMatch& route) {
  const Request& request = exchange->request();
  const std::string& id = request.request_id;
  const std::string* host = request.FindHeader("Host");
  if (host == nullptr || request.CountHeader("Host") != 1 || !HostAllowed(*host))
    return Respond(exchange, ErrorAnswer(HttpError::kMisdirectedRequest,
                                         "this listener does not answer that Host", id));
  if (route.outcome == RouteOutcome::kNotFound)
    return Respond(exchange, ErrorAnswer(HttpError::kResourceNotFound, "no such resource", id));
  if (route.outcome == RouteOutcome::kMethodNotAllowed)
    return Respond(exchange, ErrorAnswer(HttpError::kMethodNotAllowed,
                                         "method not allowed on this resource", id));
  if (std::optional<Response> refused = CheckOrigin(request))
    return Respond(exchange, std::move(*refused));
  if (RouteOf(route).run == AdminRunOn::kInline) return Respond(exchange, Run(request, route));
  exchange->Offload([this, exchange, route, token = Enter()] {
    Respond(exchange, Run(exchange->request(), route));
  });
}

Response AdminPipeline::Run(const Request& request, const RouteMatch& route) {
  const AdminRoute& r = RouteOf(route);
  const std::string& id = request.request_id;
  try {
    OperatorContext context;
    if (r.gate != Gate::kPublic) {
      const std::string bearer = BearerToken(request);
      Result<OperatorContext> who = !bearer.empty() ? services_.auth.Bearer(bearer)
                                                    : services_.auth.Session(SessionCookie(request));
      if (!who.ok()) return ErrorAnswer(who.error(), id);
      context = std::move(who).value();
      if (context.via == OperatorContext::Via::kSession && !Safe(request.method)) {
        const std::string* csrf = request.FindHeader("X-CSRF-Token");
        if (csrf == nullptr || request.CountHeader("X-CSRF-Token") != 1 ||
            !services_.auth.CsrfMatches(context, *csrf))
          return Refuse(ErrorCode::kForbidden, text::admin::kCsrfMismatch, id);
      }
      const OperatorRole needed = r.gate == Gate::kAdmin ? OperatorRole::kAdmin : OperatorRole::kReviewer;
      if (!RoleAllows(context.op.role, needed))
        return Refuse(ErrorCode::kForbidden, text::admin::kRoleMissing, id);
    }
    if (!request.body.empty() && !IsJson(request.FindHeader("Content-Type")))
      return ErrorAnswer(HttpError::kUnsupportedMediaType,
                         "admin request bodies must be Content-Type: application/json", id);
    Response response = r.handler(AdminCall{request, route, context, services_, options_});
    response.log_account = context.op.name;
    return response;
  } catch (const std::exception& e) {
    return ErrorAnswer(HttpError::kInternal, std::string("handler threw: ") + e.what(), id);
  } catch (...) {
    return ErrorAnswer(HttpError::kInternal, "handler threw", id);
  }
}

void AdminPipeline::Respond(const ExchangePtr& exchange, Response response) const {
  AddHeader(response, "Content-Security-Policy", kConsolePolicy);
  AddHeader(response, "X-Content-Type-Options", "nosniff");
  AddHeader(response, "Referrer-Policy", "no-referrer");
  AddHeader(response, "Cache-Control", "no-store");
  AddHeader(response, "Cross-Origin-Opener-Policy", "same-origin");
  AddHeader(response, "Cross-Origin-Resource-Policy", "same-origin");
  exchange->Respond(std::move(response));
}

AdminPipeline::InFlight AdminPipeline::Enter() {
  {
    std::lock_guard lock(mu_);
    ++in_flight_;
  }
  return InFlight(nullptr, [this](void*) {
    std::lock_guard lock(mu_);
    if (--in_flight_ == 0) idle_.notify_all();
  });
}

bool AdminPipeline::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return idle_.wait_for(lock, timeout, [&] { return in_flight_ == 0; });
}

}  // namespace senderid::http::admin
