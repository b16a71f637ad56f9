// Fuzz target: the router (src/http/router.h) — Route, PercentDecode, ParseQuery.
// Input: "<method> <target>" (split at the first space; no space: GET and the whole input).
//
// Invariants:
//  - kFound / kMethodNotAllowed only for /healthz or paths under /senderid/v1/; `query` is exactly
//    the text after the first '?', and appending more query text changes nothing else;
//  - a found route's parameter is the percent-decoding of exactly one raw path segment (so the raw
//    segment holds no '/'), is non-empty exactly for the routes that have one, and is never
//    "active" under /numbers; method and scope agree with the route table (GET ⇔ read scope);
//  - PercentDecode(PercentEncode(s)) == s for any s, decoding never grows the text, and fails
//    only on a malformed escape;
//  - ParseQuery succeeds exactly when every name and value decodes, and then yields one pair per
//    non-empty '&'-separated part.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/router.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using senderid::http::RouteId;
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

bool HasParam(RouteId id) {
  switch (id) {
    case RouteId::kUpdateNumber:
    case RouteId::kDeleteNumber:
    case RouteId::kAuthenticateNumber:
    case RouteId::kSubmitEvidence:
    case RouteId::kRequestUnlock:
    case RouteId::kGetDocument:
    case RouteId::kDocumentFile:
      return true;
    default:
      return false;
  }
}

// The raw path segment a parameterised route takes its parameter from (index after /senderid/v1).
size_t ParamSegment(RouteId id) {
  return id == RouteId::kSubmitEvidence || id == RouteId::kRequestUnlock ? 2 : 1;
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

void CheckRoute(std::string_view method, std::string_view target, std::string_view input) {
  const auto m = senderid::http::Route(method, target);
  const size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  FUZZ_CHECK(m.query == (q == std::string_view::npos ? std::string_view() : target.substr(q + 1)),
             input);

  const std::string more = std::string(target) + (q == std::string_view::npos ? "?x=%" : "&x=%");
  const auto again = senderid::http::Route(method, more);
  FUZZ_CHECK(again.outcome == m.outcome && again.param == m.param, input);
  if (m.outcome == RouteOutcome::kFound)
    FUZZ_CHECK(again.id == m.id && again.scope == m.scope, input);

  if (m.outcome == RouteOutcome::kNotFound) return;
  if (path == "/healthz") {
    FUZZ_CHECK(m.id == RouteId::kHealthz && !m.authenticated, input);
    FUZZ_CHECK((m.outcome == RouteOutcome::kFound) == (method == "GET"), input);
    return;
  }
  FUZZ_CHECK(path.substr(0, 13) == "/senderid/v1/", input);
  if (m.outcome != RouteOutcome::kFound) return;
  FUZZ_CHECK(m.authenticated && m.id != RouteId::kHealthz, input);
  FUZZ_CHECK((method == "GET") == (m.scope == senderid::kScopeRead), input);
  FUZZ_CHECK(method == "GET" || method == "POST" || method == "PUT" || method == "DELETE", input);
  FUZZ_CHECK(HasParam(m.id) == !m.param.empty(), input);
  if (!HasParam(m.id)) return;
  const std::vector<std::string_view> segments = Split(path.substr(13), '/');
  const size_t at = ParamSegment(m.id);
  FUZZ_CHECK(segments.size() > at, input);
  std::string decoded;
  FUZZ_CHECK(senderid::http::PercentDecode(segments[at], false, decoded) && decoded == m.param,
             input);
  if (segments[0] == "numbers") FUZZ_CHECK(m.param != "active", input);
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
  CheckRoute(method, target, input);
  CheckPercent(target);
  const size_t q = target.find('?');
  CheckQuery(q == std::string_view::npos ? target : target.substr(q + 1));
  return 0;
}
