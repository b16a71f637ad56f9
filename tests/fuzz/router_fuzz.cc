// Fuzz target: the router (src/http/router.h) on the customer table (http/routes.h) — Router::Match,
// PercentDecode, ParseQuery.
// Input: "<method> <target>" (split at the first space; no space: GET and the whole input).
//
// Invariants:
//  - kFound / kMethodNotAllowed only for /healthz or paths under /senderid/v1/; `query` is exactly
//    the text after the first '?', and appending more query text changes nothing else;
//  - a found route is one of the table with the request's method; its template fits the path
//    segment by segment (literals exactly); its parameter is the percent-decoding of the raw
//    segment at the template's "{…}" (so it holds no raw '/'), is non-empty exactly for templates
//    with one, and is never a value another route has as a literal in the same place (so never
//    "active" under /numbers); access agrees with the method (GET ⇔ read, /healthz public);
//  - against an independent matcher over the table: kFound exactly when some route of this method
//    fits with a decodable, unreserved parameter (and then the first such); kNotFound when no route
//    fits the path at all, or a fitting route's parameter has a malformed escape; else
//    kMethodNotAllowed;
//  - PercentDecode(PercentEncode(s)) == s for any s, decoding never grows the text, and fails
//    only on a malformed escape;
//  - ParseQuery succeeds exactly when every name and value decodes, and then yields one pair per
//    non-empty '&'-separated part.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/router.h"
#include "http/routes.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using senderid::http::Access;
using senderid::http::Route;
using senderid::http::RouteMatch;
using senderid::http::RouteOutcome;

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    const size_t at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

// "/a/{b}" → {"a", "{b}"}; a path that does not start with '/' → {}.
std::vector<std::string_view> PathSegments(std::string_view path) {
  if (path.empty() || path.front() != '/') return {};
  return Split(path.substr(1), '/');
}

bool IsParam(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// The index of the template's parameter segment, if it has one.
std::optional<size_t> ParamIndex(const std::vector<std::string_view>& pattern) {
  for (size_t i = 0; i < pattern.size(); ++i)
    if (IsParam(pattern[i])) return i;
  return std::nullopt;
}

// Whether `value` in `route`'s parameter place is another route's literal there (same leading
// segments, a literal at that index).
bool ReservedFor(const Route& route, std::string_view value, std::span<const Route> table) {
  const std::vector<std::string_view> pattern = PathSegments(route.path);
  const std::optional<size_t> at = ParamIndex(pattern);
  if (!at) return false;
  for (const Route& other : table) {
    const std::vector<std::string_view> o = PathSegments(other.path);
    if (o.size() <= *at) continue;
    bool same_prefix = true;
    for (size_t i = 0; i < *at && same_prefix; ++i) same_prefix = o[i] == pattern[i];
    if (same_prefix && !IsParam(o[*at]) && o[*at] == value) return true;
  }
  return false;
}

struct Fit {
  bool fits = false;
  std::string_view raw;  // the raw parameter segment, when the template has one
};

Fit FitOf(const Route& route, const std::vector<std::string_view>& segments) {
  const std::vector<std::string_view> pattern = PathSegments(route.path);
  Fit f;
  if (pattern.size() != segments.size()) return f;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i])) {
      if (segments[i].empty()) return f;
      f.raw = segments[i];
    } else if (pattern[i] != segments[i]) {
      return f;
    }
  }
  f.fits = true;
  return f;
}

void CheckRoute(const senderid::http::Router& router, std::string_view method,
                std::string_view target, std::string_view input) {
  const std::span<const Route> table = senderid::http::CustomerRoutes();
  const RouteMatch m = router.Match(method, target);
  const size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  FUZZ_CHECK(m.query == (q == std::string_view::npos ? std::string_view() : target.substr(q + 1)),
             input);
  FUZZ_CHECK((m.outcome == RouteOutcome::kFound) == (m.route != nullptr), input);

  const std::string more = std::string(target) + (q == std::string_view::npos ? "?x=%" : "&x=%");
  const RouteMatch again = router.Match(method, more);
  FUZZ_CHECK(again.outcome == m.outcome && again.param == m.param && again.route == m.route,
             input);

  // The independent matcher.
  const std::vector<std::string_view> segments = PathSegments(path);
  bool any_fit = false, malformed = false;
  const Route* expected = nullptr;
  std::string expected_param;
  if (segments.size() <= 8) {
    for (const Route& route : table) {
      const Fit f = FitOf(route, segments);
      if (!f.fits) continue;
      any_fit = true;
      std::string param;
      if (!f.raw.empty() && !senderid::http::PercentDecode(f.raw, false, param)) {
        malformed = true;
        break;
      }
      if (route.method != method) continue;
      if (!f.raw.empty() && ReservedFor(route, param, table)) continue;
      expected = &route;  // the first that takes the request
      expected_param = std::move(param);
      break;
    }
  }
  const RouteOutcome want = malformed || !any_fit ? RouteOutcome::kNotFound
                            : expected != nullptr ? RouteOutcome::kFound
                                                  : RouteOutcome::kMethodNotAllowed;
  FUZZ_CHECK(m.outcome == want, input);

  if (m.outcome == RouteOutcome::kNotFound) return;
  FUZZ_CHECK(path == "/healthz" || path.substr(0, 13) == "/senderid/v1/", input);
  if (m.outcome != RouteOutcome::kFound) return;
  const Route& route = *m.route;
  FUZZ_CHECK(m.route == expected && m.param == expected_param, input);
  FUZZ_CHECK(m.route >= table.data() && m.route < table.data() + table.size(), input);
  FUZZ_CHECK(route.method == method, input);
  FUZZ_CHECK(method == "GET" || method == "POST" || method == "PUT" || method == "DELETE", input);
  if (route.path == "/healthz") {
    FUZZ_CHECK(route.access == Access::kPublic && path == "/healthz", input);
  } else {
    FUZZ_CHECK((method == "GET") == (route.access == Access::kRead), input);
    FUZZ_CHECK(route.access != Access::kPublic, input);
  }
  const std::vector<std::string_view> pattern = PathSegments(route.path);
  const std::optional<size_t> at = ParamIndex(pattern);
  FUZZ_CHECK(at.has_value() == !m.param.empty(), input);
  FUZZ_CHECK(pattern.size() == segments.size(), input);
  for (size_t i = 0; i < pattern.size(); ++i)
    if (!at || i != *at) FUZZ_CHECK(pattern[i] == segments[i], input);
  if (!at) return;
  std::string decoded;
  FUZZ_CHECK(senderid::http::PercentDecode(segments[*at], false, decoded) && decoded == m.param,
             input);
  FUZZ_CHECK(!ReservedFor(route, m.param, table), input);
  if (segments[2] == "numbers") FUZZ_CHECK(m.param != "active", input);
}

void CheckPercent(std::string_view s) {
  std::string decoded;
  FUZZ_CHECK(senderid::http::PercentDecode(PercentEncode(s), false, decoded) && decoded == s, s);
  FUZZ_CHECK(senderid::http::PercentDecode(PercentEncode(s), true, decoded) && decoded == s, s);
  bool malformed = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') continue;
    const auto hex = [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    };
    if (i + 2 >= s.size() || !hex(s[i + 1]) || !hex(s[i + 2])) {
      malformed = true;
      break;
    }
    i += 2;
  }
  const bool ok = senderid::http::PercentDecode(s, true, decoded);
  FUZZ_CHECK(ok == !malformed, s);
  if (ok) FUZZ_CHECK(decoded.size() <= s.size(), s);
}

void CheckQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  const bool ok = senderid::http::ParseQuery(query, pairs);
  size_t parts = 0;
  bool decodes = true;
  std::string scratch;
  for (std::string_view part : Split(query, '&')) {
    if (part.empty()) continue;
    ++parts;
    const size_t eq = part.find('=');
    decodes = decodes && senderid::http::PercentDecode(part.substr(0, eq), true, scratch);
    if (eq != std::string_view::npos)
      decodes = decodes && senderid::http::PercentDecode(part.substr(eq + 1), true, scratch);
  }
  FUZZ_CHECK(ok == decodes, query);
  if (!ok) return;
  FUZZ_CHECK(pairs.size() == parts, query);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t space = input.find(' ');
  const std::string_view method = space == std::string_view::npos ? "GET" : input.substr(0, space);
  const std::string_view target = space == std::string_view::npos ? input : input.substr(space + 1);
  static const senderid::http::Router router(senderid::http::CustomerRoutes());
  CheckRoute(router, method, target, input);
  CheckPercent(target);
  const size_t q = target.find('?');
  CheckQuery(q == std::string_view::npos ? target : target.substr(q + 1));
  return 0;
}
