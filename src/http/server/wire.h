#pragma once
// The steps of one HTTP exchange that do no I/O, over Beast's message types: limits and checks on
// a request header, the error answers of a failed read, and turning our Response into the wire
// message. Used by the session (session.h), whichever stream it runs on. Not thread-safe state:
// pure functions.

#include <utility>  // g++ 12 / C++20: must precede <boost/asio.hpp>

#include <boost/beast/http.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"
#include "http/server/server.h"

namespace senderid::http::wire {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

using RequestParser = bhttp::request_parser<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

inline constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

inline std::string_view Sv(beast::string_view s) { return {s.data(), s.size()}; }

// A request id: 16 lowercase hex digits, only for correlating log lines (not security relevant).
std::string NewRequestId();

// `text` for a log line: bytes outside printable ASCII and '%' written as %XX, so a line reads as
// what was received and cannot be made to look like something else.
std::string LogSafe(std::string_view text);

// A fresh parser's limits: the header limit; the body limit is set once the route is known.
void LimitParser(RequestParser& parser, const ServerOptions& options);

// Framing we accept (only a single plain "Transfer-Encoding: chunked" without Content-Length, so
// that no intermediary can read the stream as other requests than we do) and the route's body
// limit: nullopt when the request goes on (the parser then holds the limit), else the error answer,
// after which the connection closes.
std::optional<Response> CheckHeader(RequestParser& parser, size_t body_limit,
                                    const std::string& request_id);

// The bytes of body this request may make the server hold: its Content-Length, or the limit for a
// chunked body.
size_t BodyReservation(const RequestParser& parser, size_t body_limit);

bool WantsContinue(const RequestParser& parser);

// A failed header or body read: the error answer (the connection then closes), or nullopt when
// there is nobody to answer (timeouts, EOF also in the middle of a message, resets, aborts).
std::optional<Response> ReadErrorResponse(beast::error_code ec, const ServerOptions& options,
                                          const std::string& request_id);

Request ToRequest(bhttp::request<bhttp::string_body>&& req, const std::string& request_id);

// The handler's answer, unless it would break the framing of the exchange (a 1xx status; a 204 or
// 304 with a body) or its status is no HTTP status at all: then a 500.
Response CheckedResponse(Response r, const std::string& request_id);

// The wire message of an answer. The answer to a HEAD request keeps its Content-Length but sends
// no body (RFC 9110 §9.3.2).
void BuildResponse(BeastResponse& res, Response&& r, const std::string& request_id,
                   unsigned version, bool keep_alive, bool head);

}  // namespace senderid::http::wire
