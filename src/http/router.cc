#include "http/router.h"

#include <array>

namespace senderid::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;  // path begins with '/'
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    out.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

// One row per (path pattern, method). "{}" stands for the parameter segment.
struct RouteRow {
  std::array<std::string_view, 5> pattern;  // segments after /senderid/v1, "" = end
  std::string_view method;
  RouteId id;
  Scope scope;
};

constexpr RouteRow kRoutes[] = {
    {{"numbers"}, "POST", RouteId::kCreateNumber, kScopeWrite},
    {{"numbers"}, "GET", RouteId::kListNumbers, kScopeRead},
    {{"numbers", "active"}, "GET", RouteId::kActiveNumbers, kScopeRead},
    {{"numbers", "{}"}, "PUT", RouteId::kUpdateNumber, kScopeWrite},
    {{"numbers", "{}"}, "DELETE", RouteId::kDeleteNumber, kScopeWrite},
    {{"numbers", "{}", "authenticate"}, "PUT", RouteId::kAuthenticateNumber, kScopeWrite},
    {{"papers", "approval", "{}"}, "POST", RouteId::kSubmitEvidence, kScopeWrite},
    {{"papers", "limitation"}, "POST", RouteId::kRequestLimit, kScopeWrite},
    {{"papers", "duplicate", "{}"}, "POST", RouteId::kRequestUnlock, kScopeWrite},
    {{"documents"}, "POST", RouteId::kUploadDocument, kScopeWrite},
    {{"documents"}, "GET", RouteId::kListDocuments, kScopeRead},
    {{"documents"}, "DELETE", RouteId::kDeleteDocuments, kScopeWrite},
    {{"documents", "{}"}, "GET", RouteId::kGetDocument, kScopeRead},
    {{"documents", "{}", "file"}, "GET", RouteId::kDocumentFile, kScopeRead},
};

// Whether `segments` fit `pattern` ("{}" matches any non-empty segment).
bool Matches(const RouteRow& row, const std::vector<std::string_view>& segments,
             std::string_view& param) {
  size_t n = 0;
  while (n < row.pattern.size() && !row.pattern[n].empty()) ++n;
  if (segments.size() != n) return false;
  for (size_t i = 0; i < n; ++i) {
    if (row.pattern[i] == "{}") {
      if (segments[i].empty()) return false;
      param = segments[i];
    } else if (row.pattern[i] != segments[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool PercentDecode(std::string_view in, bool plus_is_space, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

bool ParseQuery(std::string_view query, std::vector<std::pair<std::string, std::string>>& out) {
  out.clear();
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string name, value;
    if (!PercentDecode(pair.substr(0, eq), true, name)) return false;
    if (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), true, value))
      return false;
    if (name.size() > 4 && name.compare(name.size() - 4, 4, "[eq]") == 0) name.resize(name.size() - 4);
    out.emplace_back(std::move(name), std::move(value));
  }
  return true;
}

RouteMatch Route(std::string_view method, std::string_view target) {
  RouteMatch m;
  const size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  if (q != std::string_view::npos) m.query = target.substr(q + 1);

  if (path == "/healthz") {
    m.authenticated = false;
    m.id = RouteId::kHealthz;
    m.outcome = method == "GET" ? RouteOutcome::kFound : RouteOutcome::kMethodNotAllowed;
    return m;
  }
  constexpr std::string_view kPrefix = "/senderid/v1/";
  if (path.substr(0, kPrefix.size()) != kPrefix) return m;
  const std::vector<std::string_view> segments = Segments(path.substr(kPrefix.size() - 1));
  if (segments.size() > 5) return m;

  bool path_known = false;
  for (const RouteRow& row : kRoutes) {
    std::string_view param;
    if (!Matches(row, segments, param)) continue;
    path_known = true;
    if (row.method != method) continue;
    if (!param.empty() && !PercentDecode(param, false, m.param)) return m;  // 404
    // "active" is reserved under /numbers, however it is spelled (%61ctive).
    if (segments[0] == "numbers" && m.param == "active") {
      m.param.clear();
      continue;
    }
    m.outcome = RouteOutcome::kFound;
    m.id = row.id;
    m.scope = row.scope;
    return m;
  }
  m.outcome = path_known ? RouteOutcome::kMethodNotAllowed : RouteOutcome::kNotFound;
  return m;
}

}  // namespace senderid::http
