#include "http/server/wire.h"

#include <spdlog/spdlog.h>

#include <cstdint>
#include <limits>
#include <random>

#include "http/error_answer.h"

namespace senderid::http::wire {
namespace {

bool HasCrLf(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

}  // namespace

std::string NewRequestId() {
  // A per-thread splitmix64 seeded from random_device.
  thread_local uint64_t state = [] {
    std::random_device rd;
    return (uint64_t{rd()} << 32) ^ uint64_t{rd()};
  }();
  state += 0x9e3779b97f4a7c15ULL;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, z >>= 4) id[static_cast<size_t>(i)] = kHex[z & 0xf];
  return id;
}

std::string LogSafe(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x21 || b > 0x7e || c == '%') {
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 15];
    } else {
      out += c;
    }
  }
  return out;
}

void LimitParser(RequestParser& parser, const ServerOptions& options) {
  parser.header_limit(static_cast<uint32_t>(
      std::min<size_t>(options.header_limit, std::numeric_limits<uint32_t>::max())));
  // The Content-Length check of finish_header() runs during the header read; the route's limit is
  // applied once the header is in (CheckHeader).
  parser.body_limit(std::numeric_limits<uint64_t>::max());
}

std::optional<Response> CheckHeader(RequestParser& parser, size_t body_limit,
                                    const std::string& request_id) {
  const auto& req = parser.get();
  // Beast 1.74 refuses Content-Length followed by any Transfer-Encoding, and "chunked" followed
  // by Content-Length, but accepts a Transfer-Encoding that does not end in chunked: alone the
  // request then counts as bodiless, and followed by Content-Length it is framed by the length.
  // Either way the rest of the stream could be read as a different request than an intermediary
  // sees (request smuggling).
  if (req.count(bhttp::field::transfer_encoding) > 0) {
    auto te = req.find(bhttp::field::transfer_encoding);
    if (req.count(bhttp::field::transfer_encoding) != 1 || !parser.chunked() ||
        !beast::iequals(te->value(), "chunked") || req.count(bhttp::field::content_length) > 0)
      return ErrorAnswer(HttpError::kMalformed, "malformed HTTP request", request_id);
  }
  if (auto length = parser.content_length(); length && *length > body_limit)
    return ErrorAnswer(HttpError::kPayloadTooLarge,
                       "request body exceeds " + std::to_string(body_limit) + " bytes", request_id);
  parser.body_limit(static_cast<uint64_t>(body_limit));
  return std::nullopt;
}

size_t BodyReservation(const RequestParser& parser, size_t body_limit) {
  if (auto length = parser.content_length()) return static_cast<size_t>(*length);
  return parser.chunked() ? body_limit : 0;
}

bool WantsContinue(const RequestParser& parser) {
  const auto& req = parser.get();
  auto expect = req.find(bhttp::field::expect);
  return req.version() >= 11 && expect != req.end() &&
         beast::iequals(expect->value(), "100-continue");
}

std::optional<Response> ReadErrorResponse(beast::error_code ec, const ServerOptions& options,
                                          const std::string& request_id) {
  if (ec == bhttp::error::header_limit)
    return ErrorAnswer(HttpError::kHeaderTooLarge,
                       "request header exceeds " + std::to_string(options.header_limit) + " bytes",
                       request_id);
  if (ec == bhttp::error::body_limit)
    return ErrorAnswer(HttpError::kPayloadTooLarge, "request body too large", request_id);
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
      ec.category() != bhttp::make_error_code(bhttp::error::bad_method).category())
    return std::nullopt;
  return ErrorAnswer(HttpError::kMalformed, "malformed HTTP request", request_id);
}

Request ToRequest(bhttp::request<bhttp::string_body>&& req, const std::string& request_id) {
  Request request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  request.headers.reserve(static_cast<size_t>(std::distance(req.begin(), req.end())));
  for (const auto& field : req)
    request.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  request.body = std::move(req.body());
  request.request_id = request_id;
  return request;
}

Response CheckedResponse(Response r, const std::string& request_id) {
  const bool bodiless = r.status == 204 || r.status == 304;
  if (r.status >= 200 && r.status <= 599 && !(bodiless && !r.body.empty())) return r;
  return ErrorAnswer(HttpError::kInternal,
                     "handler returned invalid status " + std::to_string(r.status) +
                         (bodiless ? " with a body" : ""),
                     request_id);
}

void BuildResponse(BeastResponse& res, Response&& r, const std::string& request_id,
                   unsigned version, bool keep_alive, bool head) {
  res = {};
  res.version(version);
  res.result(static_cast<unsigned>(r.status));
  res.set(bhttp::field::server, "senderid");
  res.set("X-Request-Id", request_id);
  if (!r.content_type.empty()) res.set(bhttp::field::content_type, r.content_type);
  for (const Header& h : r.headers) {
    if (h.name.empty() || HasCrLf(h.name) || HasCrLf(h.value)) continue;  // no header injection
    res.insert(h.name, h.value);
  }
  res.body() = std::move(r.body);
  res.keep_alive(keep_alive);
  if (!keep_alive) res.set(bhttp::field::connection, "close");
  res.prepare_payload();
  if (head) res.body().clear();
}

}  // namespace senderid::http::wire
