#pragma once
// What every admin-API handler gets (SPEC §13; one handler per endpoint in
// http/admin/handlers/<name>.cc, the route table in http/admin/admin_routes.cc). Handlers run on a
// worker thread after the pipeline checked Host, Origin, the session or token, the CSRF token, the
// role and the Content-Type; they decode the body (400), call one service (404, 409) and encode.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/admin_values.h"
#include "core/operators.h"
#include "core/ports/store.h"
#include "core/services/accounts_service.h"
#include "core/services/operator_auth.h"
#include "core/services/operator_views.h"
#include "core/services/operators_service.h"
#include "core/services/reviews_service.h"
#include "http/error_answer.h"
#include "http/message.h"
#include "http/router.h"

namespace senderid::http::admin {

struct AdminOptions {
  size_t body_limit = 64 * 1024;
  // The Host values answered (SPEC §13): the listen address and every --admin-host. Compared
  // case-insensitively; an Origin must be http:// or https:// one of them.
  std::vector<std::string> hosts;
  bool secure_cookies = false;  // --admin-secure-cookies: the session cookie gets `Secure`
};

// The text of GET /metrics (SPEC §14), implemented by src/metrics. Scrape runs on a worker and
// may read the store (the scrape-time gauges); kServiceUnavailable when it cannot. Thread-safe.
class MetricsSource {
 public:
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";
  virtual ~MetricsSource() = default;
  virtual Result<std::string> Scrape() = 0;
};

struct AdminServices {
  OperatorAuth& auth;
  OperatorsService& operators;
  ReviewsService& reviews;
  AccountsService& accounts;
  OperatorViews& views;
  Store& store;            // for /readyz only (Store::Ping)
  MetricsSource& metrics;  // for /metrics
};

struct AdminCall;
using AdminHandlerFn = Response (*)(const AdminCall& call);

// Who may call a route: anybody (sign-in, the console's files), or a signed-in operator of at
// least this role.
enum class Gate { kPublic, kReviewer, kAdmin };
// kInline: answered on the I/O thread (no store: the console's files); kWorker: the worker pool.
enum class AdminRunOn { kInline, kWorker };

struct AdminRoute {
  std::string_view method;
  std::string_view path;  // a template as for http::Route
  Gate gate;
  AdminRunOn run;
  AdminHandlerFn handler;
};

struct AdminCall {
  const Request& request;
  const RouteMatch& route;
  const OperatorContext& context;  // empty for public routes
  AdminServices& services;
  const AdminOptions& options;

  const std::string& request_id() const { return request.request_id; }
  // The operator acting, as audit entries name it.
  Actor actor() const { return Actor{context.op.name, request.peer_address}; }
};

inline constexpr std::string_view kSessionCookie = "senderid_admin";

// A 200 with a JSON body.
Response AdminJson(std::string body);
// The Result of a service call as an answer.
template <typename T, typename Encode>
Response AdminAnswer(const AdminCall& call, const Result<T>& result, Encode encode) {
  if (!result.ok()) return ErrorAnswer(result.error(), call.request_id());
  return AdminJson(encode(*result));
}

using QueryParams = std::vector<std::pair<std::string, std::string>>;
// The query's parameters, or ValidationError for a malformed escape.
Result<QueryParams> AdminQuery(const AdminCall& call);
// `limit` of a listing: 1–1000, default 50.
Result<int> PageLimit(std::string_view text);

// The value of the session cookie of `request`, or "".
std::string SessionCookie(const Request& request);
// Set-Cookie of a new session (SPEC §13), and of its end.
std::string SessionCookieHeader(std::string_view token, bool secure);
std::string ClearedCookieHeader(bool secure);

namespace handlers {
Response SignIn(const AdminCall& call);
Response CurrentSession(const AdminCall& call);
Response SignOut(const AdminCall& call);
Response ListReviews(const AdminCall& call);
Response GetReview(const AdminCall& call);
Response ClaimReview(const AdminCall& call);
Response ApproveReview(const AdminCall& call);
Response RejectReview(const AdminCall& call);
Response DocumentFile(const AdminCall& call);
Response LookupNumber(const AdminCall& call);
Response ListAudit(const AdminCall& call);
Response ListAccounts(const AdminCall& call);
Response CreateAccount(const AdminCall& call);
Response GetAccount(const AdminCall& call);
Response UpdateAccount(const AdminCall& call);
Response DeactivateAccount(const AdminCall& call);
Response ActivateAccount(const AdminCall& call);
Response CreateKey(const AdminCall& call);
Response RevokeKey(const AdminCall& call);
Response ListOperators(const AdminCall& call);
Response CreateOperator(const AdminCall& call);
Response DisableOperator(const AdminCall& call);
Response ConsoleIndex(const AdminCall& call);
Response ConsoleAsset(const AdminCall& call);
Response ConsoleRedirect(const AdminCall& call);
Response Healthz(const AdminCall& call);
Response Readyz(const AdminCall& call);
Response Metrics(const AdminCall& call);
Response OpenApi(const AdminCall& call);  // openapi.cc
}  // namespace handlers

}  // namespace senderid::http::admin
