// Fuzz target: whole HTTP/1.1 connections through the server's own parsing, limits and checks
// (senderid::http::ServeConnectionForFuzzing: Beast's request_parser over Beast's test stream,
// with the same LimitParser / CheckHeader / ReadErrorResponse / BuildResponse steps as the real
// session), in front of a small echoing Handler instead of the real API.
//
// Input: one control byte, then the bytes the client sends before closing its side.
//   control % 8 picks how many bytes one read delivers: all, 1, 2, 3, 7, 16, 100, 4096;
//   control & 8: header_limit 16 KiB (the default) instead of 512 bytes.
// The handler's body limit is 64 bytes, 1024 on POST /senderid/v1/documents (stand-ins for 64 KiB
// and 1.1 MiB). Its answer echoes the body after "echo:", with the status of a `status=NNN` query
// (any integer, also invalid ones); it throws on a target containing "throw" (BodyLimit:
// "limit-throw") and takes targets containing "async" through HandleAsync.
//
// Invariants, checked on what a client reads back (parsed here independently of Beast):
//  - the output is a sequence of complete HTTP/1.x responses with a Content-Length (none on 204,
//    304 or 1xx), no body after a HEAD request, and nothing after the last one; only
//    "100 Continue" as interim answer;
//  - one final response per handled request, in order, with its request id, status (an invalid
//    status, or a 204/304 with a body, becomes 500) and the echoed body; at most one more: an
//    error answer (400, 413, 431, or 500 from a throwing BodyLimit) with Connection: close, and
//    nothing after it;
//  - no header the handler returned with CR/LF in it reaches the wire;
//  - the handler never sees a body over its limit, a Content-Length together with a
//    Transfer-Encoding, a Transfer-Encoding other than "chunked", or a Content-Length that differs
//    from the body it gets.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "http/router.h"
#include "http/server.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using senderid::http::EqualsIgnoreCase;
using senderid::http::Header;
using senderid::http::Request;
using senderid::http::Response;

constexpr size_t kBodyLimit = 64;
constexpr size_t kUploadLimit = 1024;

struct Handled {
  Request request;
  int status;  // as returned by the handler (500 when it threw)
  std::string body;
  bool threw = false;
};

class EchoHandler : public senderid::http::Handler {
 public:
  size_t BodyLimit(std::string_view method, std::string_view target) const override {
    if (target.find("limit-throw") != std::string_view::npos) throw std::runtime_error("limit");
    const auto route = senderid::http::Route(method, target);
    limit_ = route.outcome == senderid::http::RouteOutcome::kFound &&
                     route.id == senderid::http::RouteId::kUploadDocument
                 ? kUploadLimit
                 : kBodyLimit;
    return limit_;
  }

  std::optional<Response> HandleInline(const Request& request) override {
    CheckRequest(request);
    if (request.target == "/healthz") return Answer(request, 200, R"({"status":"ok"})");
    return std::nullopt;
  }

  // Targets containing "async" are taken here and answered through `respond` (at once, as the
  // fuzzing hook requires); "async-throw" throws here, "async-produce-throw" from the producer.
  bool HandleAsync(const Request& request, const Responder& respond) override {
    if (request.target.find("async") == std::string::npos) return false;
    if (request.target.find("async-throw") != std::string::npos) {
      handled.push_back({request, 500, "", /*threw=*/true});
      throw std::runtime_error("async");
    }
    if (request.target.find("async-produce-throw") != std::string::npos) {
      handled.push_back({request, 500, "", /*threw=*/true});
      respond([]() -> Response { throw std::runtime_error("produce"); });
      return true;
    }
    respond([this, &request] { return Handle(request); });
    return true;
  }

  Response Handle(const Request& request) override {
    if (request.target.find("throw") != std::string::npos) {
      handled.push_back({request, 500, "", /*threw=*/true});
      throw std::runtime_error("handler");
    }
    int status = 200;
    if (const size_t at = request.target.find("status="); at != std::string::npos) {
      status = 0;
      for (size_t i = at + 7; i < request.target.size() && i < at + 12; ++i) {
        const char c = request.target[i];
        if (c < '0' || c > '9') break;
        status = status * 10 + (c - '0');
      }
    }
    return Answer(request, status, "echo:" + request.body);
  }

  std::vector<Handled> handled;

 private:
  Response Answer(const Request& request, int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    r.headers.push_back({"X-Injected", "a\r\nSet-Cookie: injected=1"});
    r.headers.push_back({"Set-Cookie\r\nX-Evil", "1"});
    r.headers.push_back({"", "nameless"});
    if (const std::string* echo = request.FindHeader("x-echo"))
      r.headers.push_back({"X-Echo", *echo});
    handled.push_back({request, status, r.body});
    return r;
  }

  void CheckRequest(const Request& r) const {
    const std::string_view what = r.target;
    FUZZ_CHECK(!r.method.empty() && !r.target.empty(), what);
    FUZZ_CHECK(r.body.size() <= limit_, what);
    FUZZ_CHECK(r.request_id.size() == 16, r.request_id);
    const std::string* te = r.FindHeader("transfer-encoding");
    const std::string* cl = r.FindHeader("content-length");
    FUZZ_CHECK(te == nullptr || cl == nullptr, what);
    if (te != nullptr) FUZZ_CHECK(EqualsIgnoreCase(*te, "chunked"), *te);
    if (cl != nullptr) {  // 1*DIGIT, leading zeros allowed
      const size_t digits = cl->find_first_not_of('0');
      const std::string_view value =
          digits == std::string::npos ? "0" : std::string_view(*cl).substr(digits);
      FUZZ_CHECK(value == std::to_string(r.body.size()), *cl);
    }
  }

  mutable size_t limit_ = 0;
};

// A response as a client reads it.
struct ClientResponse {
  int status = 0;
  std::vector<Header> headers;
  std::string body;

  const std::string* Find(std::string_view name) const {
    for (const Header& h : headers)
      if (EqualsIgnoreCase(h.name, name)) return &h.value;
    return nullptr;
  }
};

// Whether a response answers a HEAD request (and so carries no body). The final error answer may
// follow a HEAD header or not; as it closes the connection, either reading is safe for a client.
enum class Head { kNo, kYes, kMaybe };

// Reads one response off the front of `out`.
ClientResponse ReadResponse(std::string_view& out, Head head, std::string_view all) {
  const size_t end = out.find("\r\n\r\n");
  FUZZ_CHECK(end != std::string_view::npos, all);
  std::string_view text = out.substr(0, end + 2);
  out.remove_prefix(end + 4);
  ClientResponse r;
  const size_t first = text.find("\r\n");
  const std::string_view status_line = text.substr(0, first);
  FUZZ_CHECK(status_line.size() >= 12 && (status_line.substr(0, 9) == "HTTP/1.1 " ||
                                          status_line.substr(0, 9) == "HTTP/1.0 "),
             all);
  for (size_t i = 9; i < 12; ++i) {
    FUZZ_CHECK(status_line[i] >= '0' && status_line[i] <= '9', all);
    r.status = r.status * 10 + (status_line[i] - '0');
  }
  text.remove_prefix(first + 2);
  while (!text.empty()) {
    const size_t eol = text.find("\r\n");
    const std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol + 2);
    const size_t colon = line.find(':');
    FUZZ_CHECK(colon != std::string_view::npos && colon > 0, all);
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    r.headers.push_back({std::string(line.substr(0, colon)), std::string(value)});
  }
  if (r.status < 200 || r.status == 204 || r.status == 304) {
    FUZZ_CHECK(r.Find("content-length") == nullptr || *r.Find("content-length") == "0", all);
    return r;
  }
  const std::string* length = r.Find("content-length");
  FUZZ_CHECK(length != nullptr && !length->empty() &&
                 length->find_first_not_of("0123456789") == std::string::npos &&
                 length->size() < 10,
             all);
  if (head == Head::kYes || (head == Head::kMaybe && out.empty())) return r;
  const size_t n = std::stoul(*length);
  FUZZ_CHECK(out.size() >= n, all);
  r.body = std::string(out.substr(0, n));
  out.remove_prefix(n);
  return r;
}

void CheckCommon(const ClientResponse& r, std::string_view all) {
  const std::string* id = r.Find("x-request-id");
  FUZZ_CHECK(id != nullptr && id->size() == 16 &&
                 id->find_first_not_of("0123456789abcdef") == std::string::npos,
             all);
  FUZZ_CHECK(r.Find("set-cookie") == nullptr && r.Find("x-evil") == nullptr, all);
  const std::string* injected = r.Find("x-injected");
  FUZZ_CHECK(injected == nullptr, all);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr size_t kReadSizes[] = {0, 1, 2, 3, 7, 16, 100, 4096};
  senderid::http::ServerOptions options;
  options.header_limit = (data[0] & 8) != 0 ? 16 * 1024 : 512;
  const size_t read_size = kReadSizes[data[0] % 8];
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  EchoHandler handler;
  const std::string output =
      senderid::http::ServeConnectionForFuzzing(handler, options, input, read_size);

  std::string_view out = output;
  size_t answered = 0;
  bool closed = false;
  while (!out.empty()) {
    FUZZ_CHECK(!closed, output);  // nothing after a Connection: close answer
    const bool handled = answered < handler.handled.size();
    const bool head = handled && handler.handled[answered].request.method == "HEAD";
    const ClientResponse r =
        ReadResponse(out, handled ? (head ? Head::kYes : Head::kNo) : Head::kMaybe, output);
    if (r.status < 200) {
      FUZZ_CHECK(r.status == 100, output);
      continue;
    }
    CheckCommon(r, output);
    const std::string* connection = r.Find("connection");
    closed = connection != nullptr && EqualsIgnoreCase(*connection, "close");
    if (answered < handler.handled.size()) {
      const Handled& h = handler.handled[answered];
      FUZZ_CHECK(*r.Find("x-request-id") == h.request.request_id, output);
      const bool valid = h.status >= 200 && h.status <= 599 &&
                         !((h.status == 204 || h.status == 304) && !h.body.empty());
      FUZZ_CHECK(r.status == (valid ? h.status : 500), output);
      if (valid && !h.threw && !head && r.status != 204 && r.status != 304)
        FUZZ_CHECK(r.body == h.body, output);
    } else {
      FUZZ_CHECK(answered == handler.handled.size(), output);
      FUZZ_CHECK(r.status == 400 || r.status == 413 || r.status == 431 || r.status == 500, output);
      FUZZ_CHECK(closed, output);
    }
    ++answered;
  }
  FUZZ_CHECK(answered == handler.handled.size() || answered == handler.handled.size() + 1, output);
  return 0;
}
