#include "http/router.h"

namespace senderid::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "/a/b" → {"a", "b"}; "/" → {""}; "" → {} (not a path).
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  size_t start = 1;
  for (;;) {
    const size_t slash = path.find('/', start);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    out.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

bool IsParam(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// Whether `segments` fit the template `pattern`; `param` gets the raw parameter segment.
bool Fits(const std::vector<std::string_view>& pattern,
          const std::vector<std::string_view>& segments, std::string_view& param) {
  if (pattern.size() != segments.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i])) {
      if (segments[i].empty()) return false;
      param = segments[i];
    } else if (pattern[i] != segments[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

Router::Router(std::span<const Route> table) {
  for (size_t i = 0; i < table.size(); ++i) Add(table[i].method, table[i].path, &table[i], i);
}

void Router::Add(std::string_view method, std::string_view path, const Route* route,
                 size_t index) {
  table_.push_back(Compiled{method, route, index, path, Segments(path)});
}

// Whether another route has `value` as a literal where `pattern` has its parameter, after the same
// leading segments.
bool Router::Reserved(const std::vector<std::string_view>& pattern, std::string_view value) const {
  for (const Compiled& other : table_) {
    const std::vector<std::string_view>& o = other.segments;
    for (size_t i = 0; i < pattern.size() && i < o.size(); ++i) {
      if (IsParam(pattern[i])) {
        if (!IsParam(o[i]) && o[i] == value) return true;
        break;
      }
      if (pattern[i] != o[i]) break;
    }
  }
  return false;
}

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

RouteMatch Router::Match(std::string_view method, std::string_view target) const {
  RouteMatch m;
  const size_t q = target.find('?');
  if (q != std::string_view::npos) m.query = std::string(target.substr(q + 1));
  const std::vector<std::string_view> segments = Segments(target.substr(0, q));
  if (segments.empty() || segments.size() > 8) return m;

  bool path_known = false;
  for (const Compiled& c : table_) {
    std::string_view raw;
    if (!Fits(c.segments, segments, raw)) continue;
    std::string param;
    if (!raw.empty() && !PercentDecode(raw, false, param)) {  // a malformed escape: unknown path
      m.outcome = RouteOutcome::kNotFound;
      m.pattern = {};
      return m;
    }
    path_known = true;  // also when reserved: the decoded path is another route's (405, not 404)
    if (m.pattern.empty()) m.pattern = c.path;
    if (!raw.empty() && Reserved(c.segments, param)) continue;
    if (c.method != method) continue;
    m.outcome = RouteOutcome::kFound;
    m.pattern = c.path;
    m.route = c.route;
    m.index = c.index;
    m.param = std::move(param);
    return m;
  }
  m.outcome = path_known ? RouteOutcome::kMethodNotAllowed : RouteOutcome::kNotFound;
  if (!path_known) m.pattern = {};
  return m;
}

}  // namespace senderid::http
