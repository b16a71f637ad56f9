// Tests for the router (SPEC §1 404 vs 405, §4 routes and scopes), the customer route table
// (http/routes.h), the generic reservation of literals (a parameter never takes a value another
// route has as a literal in the same place), and query parsing (§4.11 `field[eq]=value`, §8).

#include "http/router.h"

#include <gtest/gtest.h>

#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.h"
#include "http/routes.h"

namespace senderid::http {
namespace {

using O = RouteOutcome;

const Router& Customer() {
  static const Router router(CustomerRoutes());
  return router;
}

RouteMatch Find(std::string_view method, std::string_view target) {
  return Customer().Match(method, target);
}

// "PUT /senderid/v1/numbers/{phoneNumber}": how a test names a route.
std::string NameOf(const Route* route) {
  if (route == nullptr) return "(none)";
  return std::string(route->method) + " " + std::string(route->path);
}

struct RouteCase {
  std::string_view method;
  std::string_view target;
  RouteOutcome outcome;
  std::string_view route;  // "METHOD template", checked when found
  std::string_view param;  // checked when found
  Access access;           // checked when found
};

std::string Describe(const RouteCase& c) {
  return std::string(c.method) + " " + std::string(c.target);
}

constexpr std::string_view kNumbers = "/senderid/v1/numbers";

// What logs and metrics name a request by: the template, also for a 405, never for a 404.
TEST(RouteTest, PatternIsTheMatchedTemplateNeverTheRawPath) {
  const struct {
    std::string_view method, target, pattern;
  } cases[] = {
      {"PUT", "/senderid/v1/numbers/01012345678?x=1", "/senderid/v1/numbers/{phoneNumber}"},
      {"GET", "/senderid/v1/numbers/01012345678", "/senderid/v1/numbers/{phoneNumber}"},  // 405
      {"PUT", "/senderid/v1/numbers/active", "/senderid/v1/numbers/active"},              // 405
      {"GET", "/senderid/v1/numbers/active", "/senderid/v1/numbers/active"},
      {"GET", "/healthz", "/healthz"},
      {"GET", "/no/such/path", ""},
      {"GET", "/senderid/v1/numbers/0101%zz/authenticate", ""},  // malformed escape: 404
      {"GET", "/", ""},
  };
  for (const auto& c : cases)
    EXPECT_EQ(Find(c.method, c.target).pattern, c.pattern) << c.method << " " << c.target;
}

TEST(RouteTest, EveryRouteAndMethod) {
  const std::vector<RouteCase> cases = {
      {"GET", "/healthz", O::kFound, "GET /healthz", "", Access::kPublic},
      {"GET", "/senderid/v1/numbers", O::kFound, "GET /senderid/v1/numbers", "", Access::kRead},
      {"POST", "/senderid/v1/numbers", O::kFound, "POST /senderid/v1/numbers", "", Access::kWrite},
      {"GET", "/senderid/v1/numbers/active", O::kFound, "GET /senderid/v1/numbers/active", "",
       Access::kRead},
      {"PUT", "/senderid/v1/numbers/01012345678", O::kFound,
       "PUT /senderid/v1/numbers/{phoneNumber}", "01012345678", Access::kWrite},
      {"DELETE", "/senderid/v1/numbers/01012345678", O::kFound,
       "DELETE /senderid/v1/numbers/{phoneNumber}", "01012345678", Access::kWrite},
      {"PUT", "/senderid/v1/numbers/01012345678/authenticate", O::kFound,
       "PUT /senderid/v1/numbers/{phoneNumber}/authenticate", "01012345678", Access::kWrite},
      {"POST", "/senderid/v1/papers/approval/01012345678", O::kFound,
       "POST /senderid/v1/papers/approval/{phoneNumber}", "01012345678", Access::kWrite},
      {"POST", "/senderid/v1/papers/limitation", O::kFound, "POST /senderid/v1/papers/limitation",
       "", Access::kWrite},
      {"POST", "/senderid/v1/papers/duplicate/01012345678", O::kFound,
       "POST /senderid/v1/papers/duplicate/{phoneNumber}", "01012345678", Access::kWrite},
      {"POST", "/senderid/v1/documents", O::kFound, "POST /senderid/v1/documents", "",
       Access::kWrite},
      {"GET", "/senderid/v1/documents", O::kFound, "GET /senderid/v1/documents", "", Access::kRead},
      {"DELETE", "/senderid/v1/documents", O::kFound, "DELETE /senderid/v1/documents", "",
       Access::kWrite},
      {"GET", "/senderid/v1/documents/DOC123", O::kFound,
       "GET /senderid/v1/documents/{documentId}", "DOC123", Access::kRead},
      {"GET", "/senderid/v1/documents/DOC123/file", O::kFound,
       "GET /senderid/v1/documents/{documentId}/file", "DOC123", Access::kRead},
      // Known paths, other methods: 405.
      {"PUT", "/senderid/v1/numbers", O::kMethodNotAllowed, {}, "", {}},
      {"DELETE", "/senderid/v1/numbers", O::kMethodNotAllowed, {}, "", {}},
      {"PATCH", "/senderid/v1/numbers", O::kMethodNotAllowed, {}, "", {}},
      {"PUT", "/senderid/v1/numbers/active", O::kMethodNotAllowed, {}, "", {}},
      {"DELETE", "/senderid/v1/numbers/active", O::kMethodNotAllowed, {}, "", {}},
      {"POST", "/senderid/v1/numbers/active", O::kMethodNotAllowed, {}, "", {}},
      {"GET", "/senderid/v1/numbers/01012345678", O::kMethodNotAllowed, {}, "", {}},
      {"POST", "/senderid/v1/numbers/01012345678", O::kMethodNotAllowed, {}, "", {}},
      {"GET", "/senderid/v1/numbers/01012345678/authenticate", O::kMethodNotAllowed, {}, "", {}},
      {"POST", "/senderid/v1/numbers/01012345678/authenticate", O::kMethodNotAllowed, {}, "", {}},
      {"get", "/senderid/v1/numbers", O::kMethodNotAllowed, {}, "", {}},  // methods are case-sensitive
      {"POST", "/healthz", O::kMethodNotAllowed, {}, "", {}},
      {"HEAD", "/healthz", O::kMethodNotAllowed, {}, "", {}},
      {"GET", "/senderid/v1/papers/limitation", O::kMethodNotAllowed, {}, "", {}},
      {"GET", "/senderid/v1/papers/approval/010", O::kMethodNotAllowed, {}, "", {}},
      {"PUT", "/senderid/v1/papers/duplicate/010", O::kMethodNotAllowed, {}, "", {}},
      {"PUT", "/senderid/v1/documents", O::kMethodNotAllowed, {}, "", {}},
      {"DELETE", "/senderid/v1/documents/DOC1", O::kMethodNotAllowed, {}, "", {}},
      {"POST", "/senderid/v1/documents/DOC1/file", O::kMethodNotAllowed, {}, "", {}},
      // Unknown paths: 404.
      {"GET", "/", O::kNotFound, {}, "", {}},
      {"GET", "", O::kNotFound, {}, "", {}},
      {"GET", "/senderid", O::kNotFound, {}, "", {}},
      {"GET", "/senderid/v1", O::kNotFound, {}, "", {}},
      {"GET", "/senderid/v1/", O::kNotFound, {}, "", {}},
      {"GET", "/senderid/v2/numbers", O::kNotFound, {}, "", {}},
      {"GET", "/senderid/v1/number", O::kNotFound, {}, "", {}},
      {"GET", "/senderid/v1/Numbers", O::kNotFound, {}, "", {}},
      {"GET", "/senderid/v1/numbersx", O::kNotFound, {}, "", {}},
      {"PUT", "/senderid/v1/numbers/", O::kNotFound, {}, "", {}},
      {"PUT", "/senderid/v1/numbers//authenticate", O::kNotFound, {}, "", {}},
      {"GET", "/senderid/v1//numbers", O::kNotFound, {}, "", {}},
      {"PUT", "/senderid/v1/numbers/01012345678/other", O::kNotFound, {}, "", {}},
      {"PUT", "/senderid/v1/numbers/01012345678/authenticate/x", O::kNotFound, {}, "", {}},
      {"GET", "/senderid/v1/numbers/a/b/c/d/e/f/g", O::kNotFound, {}, "", {}},
      {"GET", "/senderid/v1/unknown", O::kNotFound, {}, "", {}},
      {"GET", "/xsenderid/v1/numbers", O::kNotFound, {}, "", {}},
      {"GET", "senderid/v1/numbers", O::kNotFound, {}, "", {}},
      {"GET", "/healthz/", O::kNotFound, {}, "", {}},
      {"GET", "//healthz", O::kNotFound, {}, "", {}},
      {"POST", "/senderid/v1/papers/approval", O::kNotFound, {}, "", {}},
      {"POST", "/senderid/v1/papers/approval/", O::kNotFound, {}, "", {}},
      {"GET", "/senderid/v1/documents/DOC1/file/x", O::kNotFound, {}, "", {}},
  };
  for (const RouteCase& c : cases) {
    const RouteMatch m = Find(c.method, c.target);
    EXPECT_EQ(m.outcome, c.outcome) << Describe(c);
    if (m.outcome != O::kFound) {
      EXPECT_EQ(m.route, nullptr) << Describe(c);
      continue;
    }
    if (c.outcome != O::kFound) continue;
    ASSERT_NE(m.route, nullptr) << Describe(c);
    EXPECT_EQ(NameOf(m.route), c.route) << Describe(c);
    EXPECT_EQ(m.param, c.param) << Describe(c);
    EXPECT_EQ(m.route->access, c.access) << Describe(c);
  }
}

TEST(RouteTest, HealthzIsPublicAndInline) {
  RouteMatch m = Find("GET", "/healthz");
  ASSERT_EQ(m.outcome, O::kFound);
  EXPECT_EQ(NameOf(m.route), "GET /healthz");
  EXPECT_EQ(m.route->access, Access::kPublic);
  EXPECT_EQ(m.route->run, RunOn::kInline);
  m = Find("GET", "/healthz?probe=1");
  EXPECT_EQ(m.outcome, O::kFound);
  EXPECT_EQ(m.query, "probe=1");
}

TEST(RouteTest, QueryIsSplitOffTheTarget) {
  RouteMatch m = Find("GET", "/senderid/v1/numbers?status=ACTIVE&limit=2");
  ASSERT_EQ(m.outcome, O::kFound);
  EXPECT_EQ(NameOf(m.route), "GET /senderid/v1/numbers");
  EXPECT_EQ(m.query, "status=ACTIVE&limit=2");
  m = Find("GET", "/senderid/v1/numbers?");
  EXPECT_EQ(m.outcome, O::kFound);
  EXPECT_EQ(m.query, "");
  m = Find("GET", "/senderid/v1/numbers/active?x=/y");
  EXPECT_EQ(NameOf(m.route), "GET /senderid/v1/numbers/active");
  EXPECT_EQ(m.query, "x=/y");
  m = Find("PUT", "/senderid/v1/numbers/010?a=b");
  EXPECT_EQ(NameOf(m.route), "PUT /senderid/v1/numbers/{phoneNumber}");
  EXPECT_EQ(m.param, "010");
  EXPECT_EQ(m.query, "a=b");
  m = Find("GET", "/senderid/v1/nothing?x=1");
  EXPECT_EQ(m.outcome, O::kNotFound);
  EXPECT_EQ(m.query, "x=1");  // split off also when the path is unknown
  m = Find("GET", "/senderid/v1/documents/DOC1/file?a?b");
  EXPECT_EQ(NameOf(m.route), "GET /senderid/v1/documents/{documentId}/file");
  EXPECT_EQ(m.query, "a?b");  // only the first '?' splits
}

TEST(RouteTest, PathParameterIsPercentDecoded) {
  struct Case {
    std::string_view method;
    std::string_view target;
    std::string_view param;
  };
  const std::vector<Case> cases = {
      {"PUT", "/senderid/v1/numbers/010-1234-5678", "010-1234-5678"},
      {"PUT", "/senderid/v1/numbers/010%2D1234%2d5678", "010-1234-5678"},
      {"DELETE", "/senderid/v1/numbers/%2802%29%20123-4567", "(02) 123-4567"},
      {"DELETE", "/senderid/v1/numbers/010+1234", "010+1234"},  // '+' is not a space in a path
      {"PUT", "/senderid/v1/numbers/010%2F1234", "010/1234"},   // %2F does not split segments
      {"PUT", "/senderid/v1/numbers/%30%31%30/authenticate", "010"},
      {"POST", "/senderid/v1/papers/approval/%30%31%30", "010"},
      {"POST", "/senderid/v1/papers/duplicate/010%201", "010 1"},
      {"GET", "/senderid/v1/documents/DOC%41/file", "DOCA"},
      {"PUT", "/senderid/v1/numbers/ACTIVE", "ACTIVE"},     // reservation is case-sensitive
      {"PUT", "/senderid/v1/numbers/actives", "actives"},   // and of the whole segment
      {"GET", "/senderid/v1/documents/file", "file"},       // "file" is a literal one level deeper
  };
  for (const Case& c : cases) {
    const RouteMatch m = Find(c.method, c.target);
    ASSERT_EQ(m.outcome, O::kFound) << c.target;
    EXPECT_EQ(m.param, c.param) << c.target;
  }
}

TEST(RouteTest, MalformedEscapeInThePathIsNotFound) {
  for (std::string_view target :
       {"/senderid/v1/numbers/010%", "/senderid/v1/numbers/010%2", "/senderid/v1/numbers/%G0",
        "/senderid/v1/numbers/%0G", "/senderid/v1/numbers/%%30", "/senderid/v1/numbers/%/x"}) {
    const RouteMatch put = Find("PUT", target);
    EXPECT_NE(put.outcome, O::kFound) << target;
    EXPECT_EQ(put.outcome, O::kNotFound) << target;
  }
  EXPECT_EQ(Find("PUT", "/senderid/v1/numbers/%ZZ/authenticate").outcome, O::kNotFound);
  EXPECT_EQ(Find("DELETE", "/senderid/v1/numbers/%ZZ").outcome, O::kNotFound);
  // Whatever the method: the path itself is unknown.
  EXPECT_EQ(Find("GET", "/senderid/v1/numbers/%ZZ").outcome, O::kNotFound);
  EXPECT_EQ(Find("GET", "/senderid/v1/documents/%ZZ/file").outcome, O::kNotFound);
  EXPECT_EQ(Find("POST", "/senderid/v1/papers/approval/%1").outcome, O::kNotFound);
}

// "active" is a literal of GET /senderid/v1/numbers/active, so no /numbers/{phoneNumber} route
// binds it, however it is spelled: the path is known (405), never a number called "active".
TEST(RouteTest, ActiveIsNeverAPhoneNumber) {
  for (std::string_view method : {"PUT", "DELETE"}) {
    for (std::string_view target :
         {"/senderid/v1/numbers/active", "/senderid/v1/numbers/%61ctive",
          "/senderid/v1/numbers/%61%63%74%69%76%65", "/senderid/v1/numbers/activ%65?x=1"}) {
      const RouteMatch m = Find(method, target);
      EXPECT_EQ(m.outcome, O::kMethodNotAllowed) << method << " " << target;
      EXPECT_EQ(m.route, nullptr) << method << " " << target;
      EXPECT_EQ(m.param, "") << method << " " << target;
    }
  }
  for (std::string_view target :
       {"/senderid/v1/numbers/active/authenticate", "/senderid/v1/numbers/%61ctive/authenticate"}) {
    const RouteMatch m = Find("PUT", target);
    EXPECT_EQ(m.outcome, O::kMethodNotAllowed) << target;
    EXPECT_EQ(m.param, "") << target;
  }
  // The literal itself matches only as written: a percent-encoded "active" is not the listing.
  const RouteMatch get = Find("GET", "/senderid/v1/numbers/%61ctive");
  EXPECT_NE(get.outcome, O::kFound);
  // Under another prefix "active" is an ordinary value.
  RouteMatch m = Find("POST", "/senderid/v1/papers/approval/active");
  ASSERT_EQ(m.outcome, O::kFound);
  EXPECT_EQ(m.param, "active");
  m = Find("GET", "/senderid/v1/documents/active");
  ASSERT_EQ(m.outcome, O::kFound);
  EXPECT_EQ(m.param, "active");
}

// Properties of the customer table as a whole (SPEC §4).
TEST(CustomerRoutesTest, EveryRouteIsReachableAndConsistent) {
  const std::span<const Route> table = CustomerRoutes();
  EXPECT_EQ(table.size(), 26u);
  std::set<std::string> names;
  for (const Route& route : table) {
    const std::string name = NameOf(&route);
    SCOPED_TRACE(name);
    EXPECT_TRUE(names.insert(name).second) << "listed twice";
    EXPECT_NE(route.handler, nullptr);
    // Scopes: read for GET, write for the rest; only /healthz, the OpenAPI document (SPEC §4, §14:
    // no authentication, a static buffer) and /readyz are public, and /readyz is not inline (it
    // asks the store).
    if (route.path == "/healthz" || route.path == "/senderid/v1/openapi.json") {
      EXPECT_EQ(route.access, Access::kPublic);
      EXPECT_EQ(route.run, RunOn::kInline);
    } else if (route.path == "/readyz") {
      EXPECT_EQ(route.access, Access::kPublic);
      EXPECT_EQ(route.run, RunOn::kWorker);
    } else {
      EXPECT_TRUE(route.path.starts_with("/senderid/v1/"));
      EXPECT_EQ(route.access, route.method == "GET" ? Access::kRead : Access::kWrite);
      EXPECT_EQ(route.run, RunOn::kWorker) << "touches the store: never on an I/O thread";
    }
    // Only the upload carries a large body.
    EXPECT_EQ(route.body == BodySize::kUpload,
              route.method == "POST" && route.path == "/senderid/v1/documents");
    // A concrete request for the template finds exactly this route.
    std::string target(route.path);
    const size_t open = target.find('{');
    std::string param;
    if (open != std::string::npos) {
      const size_t close = target.find('}', open);
      ASSERT_NE(close, std::string::npos);
      param = "X1%2FY";
      target.replace(open, close - open + 1, param);
      EXPECT_EQ(target.find('{'), std::string::npos) << "at most one parameter";
    }
    const RouteMatch m = Find(route.method, target);
    ASSERT_EQ(m.outcome, O::kFound) << target;
    EXPECT_EQ(m.route, &route) << NameOf(m.route);
    EXPECT_EQ(m.param, param.empty() ? "" : "X1/Y");
  }
}

// ---------------------------------------------------------------------------------------------
// Router on a table of its own

constexpr Route kTable[] = {
    {"GET", "/a/{id}", Access::kRead, BodySize::kSmall, RunOn::kWorker, nullptr},
    {"GET", "/a/special", Access::kRead, BodySize::kSmall, RunOn::kWorker, nullptr},
    {"POST", "/a/{id}/b", Access::kWrite, BodySize::kUpload, RunOn::kWorker, nullptr},
    {"GET", "/a/fixed/b", Access::kRead, BodySize::kSmall, RunOn::kWorker, nullptr},
    {"GET", "/x/{key}", Access::kPublic, BodySize::kSmall, RunOn::kInline, nullptr},
    {"DELETE", "/x/{key}", Access::kWrite, BodySize::kSmall, RunOn::kWorker, nullptr},
};

struct TableCase {
  std::string_view method;
  std::string_view target;
  RouteOutcome outcome;
  std::string_view route;  // when found
  std::string_view param;  // when found
};

void ExpectTable(const Router& router, const std::vector<TableCase>& cases) {
  for (const TableCase& c : cases) {
    const RouteMatch m = router.Match(c.method, c.target);
    const std::string what = std::string(c.method) + " " + std::string(c.target);
    EXPECT_EQ(m.outcome, c.outcome) << what;
    if (m.outcome != O::kFound || c.outcome != O::kFound) continue;
    EXPECT_EQ(NameOf(m.route), c.route) << what;
    EXPECT_EQ(m.param, c.param) << what;
  }
}

const std::vector<TableCase>& SmallTableCases() {
  static const std::vector<TableCase> cases = {
      {"GET", "/a/thing", O::kFound, "GET /a/{id}", "thing"},
      {"GET", "/a/th%69ng", O::kFound, "GET /a/{id}", "thing"},
      // The literal wins, wherever it stands in the table.
      {"GET", "/a/special", O::kFound, "GET /a/special", ""},
      // A parameter never takes another route's literal of the same place, however it is spelled.
      {"GET", "/a/%73pecial", O::kMethodNotAllowed, "", ""},
      {"POST", "/a/thing/b", O::kFound, "POST /a/{id}/b", "thing"},
      {"POST", "/a/fixed/b", O::kMethodNotAllowed, "", ""},  // "fixed" is GET /a/fixed/b's
      {"GET", "/a/fixed/b", O::kFound, "GET /a/fixed/b", ""},
      {"POST", "/a/special/b", O::kMethodNotAllowed, "", ""},  // "special" is GET /a/special's
      // The same place is the same position after the same leading segments, however long the
      // other route is: GET /a/fixed/b reserves "fixed" for /a/{id} too.
      {"GET", "/a/fixed", O::kMethodNotAllowed, "", ""},
      // ...but a literal elsewhere reserves nothing: under /x, "special" is a value.
      {"GET", "/x/special", O::kFound, "GET /x/{key}", "special"},
      {"GET", "/x/fixed", O::kFound, "GET /x/{key}", "fixed"},
      {"DELETE", "/x/y", O::kFound, "DELETE /x/{key}", "y"},
      {"PUT", "/x/y", O::kMethodNotAllowed, "", ""},
      {"GET", "/x/", O::kNotFound, "", ""},  // a parameter is never empty
      {"GET", "/x", O::kNotFound, "", ""},
      {"GET", "/x/y/z", O::kNotFound, "", ""},
      {"GET", "/x/%zz", O::kNotFound, "", ""},
      {"GET", "/b/thing", O::kNotFound, "", ""},
      {"GET", "/", O::kNotFound, "", ""},
  };
  return cases;
}

TEST(RouterTest, SmallTable) {
  const Router router(kTable);
  ExpectTable(router, SmallTableCases());
  // The match points into the table it was given, with that route's properties.
  const RouteMatch m = router.Match("GET", "/x/k?q=1");
  ASSERT_EQ(m.outcome, O::kFound);
  EXPECT_EQ(m.route, &kTable[4]);
  EXPECT_EQ(m.route->access, Access::kPublic);
  EXPECT_EQ(m.route->run, RunOn::kInline);
  EXPECT_EQ(m.query, "q=1");
  EXPECT_EQ(router.Match("POST", "/a/t/b").route->body, BodySize::kUpload);
}

TEST(RouterTest, OrderOfTheTableDoesNotMatter) {
  const std::vector<Route> reversed(std::rbegin(kTable), std::rend(kTable));
  const Router router(reversed);
  ExpectTable(router, SmallTableCases());
}

TEST(RouterTest, EmptyTableKnowsNothing) {
  const Router router(std::span<const Route>{});
  for (std::string_view target : {"/", "/healthz", "/a/b", ""}) {
    const RouteMatch m = router.Match("GET", target);
    EXPECT_EQ(m.outcome, O::kNotFound) << target;
    EXPECT_EQ(m.route, nullptr) << target;
  }
}

TEST(RouterTest, ParameterAsTheFirstSegment) {
  static constexpr Route kOne[] = {
      {"GET", "/{name}", Access::kPublic, BodySize::kSmall, RunOn::kInline, nullptr},
      {"PUT", "/{name}/x", Access::kWrite, BodySize::kSmall, RunOn::kWorker, nullptr},
  };
  const Router router(kOne);
  ExpectTable(router, {
                          {"GET", "/hello", O::kFound, "GET /{name}", "hello"},
                          {"GET", "/h%20i", O::kFound, "GET /{name}", "h i"},
                          {"PUT", "/hello/x", O::kFound, "PUT /{name}/x", "hello"},
                          {"POST", "/hello", O::kMethodNotAllowed, "", ""},
                          {"GET", "/", O::kNotFound, "", ""},
                          {"GET", "//x", O::kNotFound, "", ""},
                          {"GET", "/a/b", O::kNotFound, "", ""},
                          {"GET", "hello", O::kNotFound, "", ""},
                      });
}

// ---------------------------------------------------------------------------------------------
// PercentDecode and ParseQuery

TEST(PercentDecodeTest, Table) {
  struct Case {
    std::string_view in;
    bool plus_is_space;
    bool ok;
    std::string_view out;
  };
  const std::vector<Case> cases = {
      {"", false, true, ""},
      {"abc", false, true, "abc"},
      {"a%20b", false, true, "a b"},
      {"a+b", false, true, "a+b"},
      {"a+b", true, true, "a b"},
      {"%2B", true, true, "+"},  // an escaped plus stays a plus
      {"%41%62%7e%7E", false, true, "Ab~~"},
      {"%EB%B0%9C%EC%8B%A0", false, true, "발신"},
      {"%00", false, true, std::string_view("\0", 1)},
      {"%", false, false, ""},
      {"%4", false, false, ""},
      {"a%4", false, false, ""},
      {"%4g", false, false, ""},
      {"%g4", false, false, ""},
      {"%-1", false, false, ""},
      {"100%", true, false, ""},
  };
  for (const Case& c : cases) {
    std::string out = "garbage";
    const bool ok = PercentDecode(c.in, c.plus_is_space, out);
    EXPECT_EQ(ok, c.ok) << "'" << c.in << "'";
    if (ok && c.ok) {
      EXPECT_EQ(out, c.out) << "'" << c.in << "'";
    }
  }
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(ParseQueryTest, Table) {
  struct Case {
    std::string_view query;
    Pairs want;
  };
  const std::vector<Case> cases = {
      {"", {}},
      {"status=ACTIVE", {{"status", "ACTIVE"}}},
      {"status[eq]=ACTIVE", {{"status", "ACTIVE"}}},
      {"status%5Beq%5D=ACTIVE", {{"status", "ACTIVE"}}},
      {"phoneNumber=010+1234+5678", {{"phoneNumber", "010 1234 5678"}}},
      {"phoneNumber=010%2B1234", {{"phoneNumber", "010+1234"}}},
      {"startDate[eq]=2024-03-10T00:00:00%2B09:00&limit=5",
       {{"startDate", "2024-03-10T00:00:00+09:00"}, {"limit", "5"}}},
      {"a=1&b=2&a=3", {{"a", "1"}, {"b", "2"}, {"a", "3"}}},
      {"a=1&&b=2&", {{"a", "1"}, {"b", "2"}}},
      {"flag", {{"flag", ""}}},
      {"flag=", {{"flag", ""}}},
      {"=x", {{"", "x"}}},
      {"a=b=c", {{"a", "b=c"}}},
      {"use[ne]=true", {{"use[ne]", "true"}}},  // only [eq] is the equality operator
      {"[eq]=x", {{"[eq]", "x"}}},              // nothing before the operator: left alone
      {"status[eq][eq]=A", {{"status[eq]", "A"}}},
      {"name=%EB%B0%9C%EC%8B%A0", {{"name", "발신"}}},
  };
  for (const Case& c : cases) {
    Pairs got = {{"stale", "entry"}};
    ASSERT_TRUE(ParseQuery(c.query, got)) << c.query;
    EXPECT_EQ(got, c.want) << c.query;
  }
}

TEST(ParseQueryTest, MalformedEscapeFails) {
  for (std::string_view q : {"a=%", "a=%2", "a=%ZZ", "%=1", "ok=1&bad%G1=2", "a=1&b=%"}) {
    Pairs got;
    EXPECT_FALSE(ParseQuery(q, got)) << q;
  }
}

}  // namespace
}  // namespace senderid::http
