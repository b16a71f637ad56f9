#pragma once
// Routing (SPEC §1, §4): a table of routes, each carrying everything a request needs once its
// header is in — who may call it, how large its body may be, where its handler runs and which
// handler it is — and the matching of a request line against it. A request is routed once, when its
// header arrives (http/server: Handler::Admit); nothing routes it again. Routing comes before
// authentication: an unknown path is 404, a known path with another method 405, and neither spends
// a signature. Pure functions and immutable tables; thread-safe.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/entities.h"
#include "http/message.h"

namespace senderid::http {

struct Call;  // http/handlers/call.h
using HandlerFn = Response (*)(const Call& call);

// Who may call a route: anybody, or a signed request with this scope (SPEC §2).
enum class Access { kPublic, kRead, kWrite };
// Which body limit applies (ApiOptions: 64 KiB, or ~1.1 MiB for document upload).
enum class BodySize { kSmall, kUpload };
// Where the handler runs: kInline on the I/O thread (no store, no blocking: /healthz only), kWorker
// on the worker pool (everything that touches the store).
enum class RunOn { kInline, kWorker };

struct Route {
  std::string_view method;
  // The path template, e.g. "/senderid/v1/numbers/{phoneNumber}": literal segments, and at most
  // one "{name}" segment standing for a non-empty, percent-decoded parameter. Also the route's name
  // in logs and metrics (bounded cardinality: never the raw path).
  std::string_view path;
  Access access;
  BodySize body;
  RunOn run;
  HandlerFn handler;
};

enum class RouteOutcome { kFound, kNotFound, kMethodNotAllowed };

struct RouteMatch {
  RouteOutcome outcome = RouteOutcome::kNotFound;
  const Route* route = nullptr;  // set when found in a table of Routes
  size_t index = 0;              // when found: the route's position in the router's table
  // The path template the path matched (found, or 405), e.g. "/senderid/v1/numbers/{phoneNumber}";
  // empty when no route has this path. What logs and metrics name a request by (never the raw path).
  std::string_view pattern;
  std::string param;             // the percent-decoded path parameter, when the route has one
  std::string query;             // the raw text after '?'
};

class Router {
 public:
  // `table` must outlive the router.
  explicit Router(std::span<const Route> table);
  // Another API's table (the admin API's): any rows with `method` and `path` as a Route has them.
  // A match sets `index`, not `route`. `rows` must outlive the router.
  template <typename Row>
  static Router Of(std::span<const Row> rows) {
    Router router;
    for (size_t i = 0; i < rows.size(); ++i) router.Add(rows[i].method, rows[i].path, nullptr, i);
    return router;
  }

  // A parameter never takes a value that another route of the table has as a literal in the same
  // place (so `PUT /senderid/v1/numbers/active` — also spelled %61ctive — is 405, not an update of
  // a number called "active"). A malformed escape in the parameter makes the path unknown (404).
  RouteMatch Match(std::string_view method, std::string_view target) const;

 private:
  Router() = default;
  void Add(std::string_view method, std::string_view path, const Route* route, size_t index);
  bool Reserved(const std::vector<std::string_view>& pattern, std::string_view value) const;

  struct Compiled {
    std::string_view method;
    const Route* route;  // null for a table of other rows
    size_t index;
    std::string_view path;                   // the template
    std::vector<std::string_view> segments;  // of the route's path
  };
  std::vector<Compiled> table_;
};

// Decodes %XX escapes (and '+' as a space when `plus_is_space`). False on a malformed escape.
bool PercentDecode(std::string_view in, bool plus_is_space, std::string& out);

// The query's name/value pairs, decoded, in order. A name written `field[eq]` (the SOLAPI operator
// form) is returned as `field`. False on a malformed escape.
bool ParseQuery(std::string_view query, std::vector<std::pair<std::string, std::string>>& out);

}  // namespace senderid::http
