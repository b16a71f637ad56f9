// Tests for the router (SPEC §1 404 vs 405, §4 routes and scopes) and its query parsing (§4.11
// `field[eq]=value`, §8).

#include "http/router.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace senderid::http {
namespace {

using O = RouteOutcome;

struct RouteCase {
  std::string_view method;
  std::string_view target;
  RouteOutcome outcome;
  RouteId id;              // checked when found
  std::string_view param;  // checked when found
  Scope scope;             // checked when found
};

std::string Describe(const RouteCase& c) {
  return std::string(c.method) + " " + std::string(c.target);
}

TEST(RouteTest, EveryRouteAndMethod) {
  const std::vector<RouteCase> cases = {
      {"GET", "/senderid/v1/numbers", O::kFound, RouteId::kListNumbers, "", kScopeRead},
      {"POST", "/senderid/v1/numbers", O::kFound, RouteId::kCreateNumber, "", kScopeWrite},
      {"GET", "/senderid/v1/numbers/active", O::kFound, RouteId::kActiveNumbers, "", kScopeRead},
      {"PUT", "/senderid/v1/numbers/01012345678", O::kFound, RouteId::kUpdateNumber, "01012345678",
       kScopeWrite},
      {"DELETE", "/senderid/v1/numbers/01012345678", O::kFound, RouteId::kDeleteNumber,
       "01012345678", kScopeWrite},
      {"PUT", "/senderid/v1/numbers/01012345678/authenticate", O::kFound,
       RouteId::kAuthenticateNumber, "01012345678", kScopeWrite},
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
  };
  for (const RouteCase& c : cases) {
    const RouteMatch m = Route(c.method, c.target);
    EXPECT_EQ(m.outcome, c.outcome) << Describe(c);
    if (c.outcome != O::kFound || m.outcome != O::kFound) continue;
    EXPECT_EQ(m.id, c.id) << Describe(c);
    EXPECT_EQ(m.param, c.param) << Describe(c);
    EXPECT_EQ(m.scope, c.scope) << Describe(c);
    EXPECT_TRUE(m.authenticated) << Describe(c);
  }
}

TEST(RouteTest, HealthzIsUnauthenticated) {
  RouteMatch m = Route("GET", "/healthz");
  EXPECT_EQ(m.outcome, O::kFound);
  EXPECT_EQ(m.id, RouteId::kHealthz);
  EXPECT_FALSE(m.authenticated);
  m = Route("GET", "/healthz?probe=1");
  EXPECT_EQ(m.outcome, O::kFound);
  EXPECT_EQ(m.query, "probe=1");
}

TEST(RouteTest, QueryIsSplitOffTheTarget) {
  RouteMatch m = Route("GET", "/senderid/v1/numbers?status=ACTIVE&limit=2");
  EXPECT_EQ(m.outcome, O::kFound);
  EXPECT_EQ(m.id, RouteId::kListNumbers);
  EXPECT_EQ(m.query, "status=ACTIVE&limit=2");
  m = Route("GET", "/senderid/v1/numbers?");
  EXPECT_EQ(m.outcome, O::kFound);
  EXPECT_EQ(m.query, "");
  m = Route("GET", "/senderid/v1/numbers/active?x=/y");
  EXPECT_EQ(m.id, RouteId::kActiveNumbers);
  m = Route("PUT", "/senderid/v1/numbers/010?a=b");
  EXPECT_EQ(m.id, RouteId::kUpdateNumber);
  EXPECT_EQ(m.param, "010");
  m = Route("GET", "/senderid/v1/nothing?x=1");
  EXPECT_EQ(m.outcome, O::kNotFound);
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
  };
  for (const Case& c : cases) {
    const RouteMatch m = Route(c.method, c.target);
    ASSERT_EQ(m.outcome, O::kFound) << c.target;
    EXPECT_EQ(m.param, c.param) << c.target;
  }
}

TEST(RouteTest, MalformedEscapeInThePathIsNotFound) {
  for (std::string_view target :
       {"/senderid/v1/numbers/010%", "/senderid/v1/numbers/010%2", "/senderid/v1/numbers/%G0",
        "/senderid/v1/numbers/%0G", "/senderid/v1/numbers/%%30", "/senderid/v1/numbers/%/x"}) {
    const RouteMatch put = Route("PUT", target);
    EXPECT_NE(put.outcome, O::kFound) << target;
    EXPECT_EQ(put.outcome, O::kNotFound) << target;
  }
  EXPECT_EQ(Route("PUT", "/senderid/v1/numbers/%ZZ/authenticate").outcome, O::kNotFound);
  EXPECT_EQ(Route("DELETE", "/senderid/v1/numbers/%ZZ").outcome, O::kNotFound);
}

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
