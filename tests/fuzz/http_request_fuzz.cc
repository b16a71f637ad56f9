// Fuzz target: whole HTTP/1.1 connections through the production session
// (senderid::http::ServeConnectionForFuzzing: http/server/session.h over Beast's in-memory test
// stream, single-threaded — the same parsing, limits, checks, body budget, keep-alive, pipelining
// and error answers as over TCP; Offload runs on the same io_context), in front of a small echoing
// Handler instead of the real API.
//
// Input: one control byte, then the bytes the client sends before closing its side.
//   control % 8 picks how many bytes one read delivers: all, 1, 2, 3, 7, 16, 100, 4096;
//   control & 8: header_limit 16 KiB (the default) instead of 512 bytes;
//   control & 16: max_body_memory 40 bytes instead of the default 64 MiB (a Content-Length over
//   40, and any chunked body — it reserves its route's limit — is then answered 503).
// Admit routes with Router(CustomerRoutes()): the body limit is 64 bytes, 1024 on POST
// /senderid/v1/documents (stand-ins for 64 KiB and 1.1 MiB); it throws on a target containing
// "limit-throw". Serve answers with the echoed body after "echo:" and the status of a `status=NNN`
// query (any integer, also invalid ones), by the first of these the target contains:
//   "late-throw"  offloaded work answers, then throws (the answer stands; the 500 is dropped)
//   "work-throw"  offloaded work throws (→ 500)
//   "async"       offloaded work hands over to more offloaded work, which answers ("async-throw":
//                 which throws instead → 500) — as the pipeline does after the ledger
//   "throw"       Serve throws (→ 500)
//   "twice"       Serve answers twice at once (the second is dropped)
//   "inline", /healthz, unknown route or method: Serve answers at once
//   anything else: offloaded work answers.
//
// Invariants, checked on what a client reads back (parsed here independently of Beast):
//  - the output is a sequence of complete HTTP/1.x responses with a Content-Length (none on 204,
//    304 or 1xx), no body after a HEAD request, and nothing after the last one; only
//    "100 Continue" as interim answer;
//  - one final response per handled request, in order, with its request id, status (an invalid
//    status, or a 204/304 with a body, becomes 500; a throw before the answer 500) and the body of
//    its first answer; at most one more: an error answer (400, 413, 431, 500 from a throwing Admit,
//    503 with Retry-After only under the 40-byte budget) with Connection: close, and nothing after
//    it (the test stream does not linger);
//  - no header the handler returned with CR/LF in it reaches the wire;
//  - the handler never sees a body over its limit or one whose reservation (Content-Length, or the
//    route's limit when chunked) exceeds max_body_memory, a Content-Length together with a
//    Transfer-Encoding, a Transfer-Encoding other than "chunked", or a Content-Length that differs
//    from the body it gets;
//  - Serve gets the very route Admit returned for the request (routed once).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

#include "http/message.h"
#include "http/router.h"
#include "http/routes.h"
#include "http/server/server.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using senderid::http::Admission;
using senderid::http::EqualsIgnoreCase;
using senderid::http::ExchangePtr;
using senderid::http::Header;
using senderid::http::Request;
using senderid::http::Response;
using senderid::http::RouteMatch;
using senderid::http::RouteOutcome;

constexpr size_t kBodyLimit = 64;
constexpr size_t kUploadLimit = 1024;
constexpr size_t kTinyBodyMemory = 40;

struct Handled {
  Request request;
  int status;  // of the first answer (500 when it threw before answering)
  std::string body;
  bool threw = false;
};

enum class Mode { kLateThrow, kWorkThrow, kAsync, kAsyncThrow, kServeThrow, kTwice, kInline, kWork };

Mode ModeOf(std::string_view target, const RouteMatch& route) {
  const auto has = [&](std::string_view s) { return target.find(s) != std::string_view::npos; };
  if (has("late-throw")) return Mode::kLateThrow;
  if (has("work-throw")) return Mode::kWorkThrow;
  if (has("async")) return has("async-throw") ? Mode::kAsyncThrow : Mode::kAsync;
  if (has("throw")) return Mode::kServeThrow;
  if (has("twice")) return Mode::kTwice;
  if (has("inline") || route.outcome != RouteOutcome::kFound ||
      route.route->run == senderid::http::RunOn::kInline)
    return Mode::kInline;
  return Mode::kWork;
}

class EchoHandler : public senderid::http::Handler {
 public:
  explicit EchoHandler(size_t body_memory) : body_memory_(body_memory) {}

  Admission Admit(std::string_view method, std::string_view target) override {
    if (target.find("limit-throw") != std::string_view::npos) throw std::runtime_error("limit");
    Admission a;
    a.route = router_.Match(method, target);
    const bool upload = a.route.outcome == RouteOutcome::kFound &&
                        a.route.route->body == senderid::http::BodySize::kUpload;
    a.body_limit = upload ? kUploadLimit : kBodyLimit;
    limit_ = a.body_limit;
    admitted_ = a.route;
    return a;
  }

  void Serve(const ExchangePtr& exchange, const RouteMatch& route) override {
    const Request& request = exchange->request();
    CheckRequest(request, route);
    switch (ModeOf(request.target, route)) {
      case Mode::kLateThrow:
        return exchange->Offload([this, exchange] {
          exchange->Respond(Answer(exchange->request()));
          throw std::runtime_error("after the answer");
        });
      case Mode::kWorkThrow:
        return exchange->Offload([this, exchange] {
          Threw(exchange->request());
          throw std::runtime_error("work");
        });
      case Mode::kAsync:
        return exchange->Offload([this, exchange] {
          exchange->Offload([this, exchange] { exchange->Respond(Answer(exchange->request())); });
        });
      case Mode::kAsyncThrow:
        return exchange->Offload([this, exchange] {
          exchange->Offload([this, exchange] {
            Threw(exchange->request());
            throw std::runtime_error("async");
          });
        });
      case Mode::kServeThrow:
        Threw(request);
        throw std::runtime_error("serve");
      case Mode::kTwice: {
        exchange->Respond(Answer(request));
        Response again;
        again.body = "second";
        return exchange->Respond(std::move(again));
      }
      case Mode::kInline:
        return exchange->Respond(Answer(request));
      case Mode::kWork:
        return exchange->Offload([this, exchange] { exchange->Respond(Answer(exchange->request())); });
    }
  }

  std::vector<Handled> handled;

 private:
  void Threw(const Request& request) { handled.push_back({request, 500, "", /*threw=*/true}); }

  Response Answer(const Request& request) {
    int status = 200;
    if (const size_t at = request.target.find("status="); at != std::string::npos) {
      status = 0;
      for (size_t i = at + 7; i < request.target.size() && i < at + 12; ++i) {
        const char c = request.target[i];
        if (c < '0' || c > '9') break;
        status = status * 10 + (c - '0');
      }
    }
    Response r;
    r.status = status;
    r.body = request.target == "/healthz" ? R"({"status":"ok"})" : "echo:" + request.body;
    r.headers.push_back({"X-Injected", "a\r\nSet-Cookie: injected=1"});
    r.headers.push_back({"Set-Cookie\r\nX-Evil", "1"});
    r.headers.push_back({"", "nameless"});
    if (const std::string* echo = request.FindHeader("x-echo"))
      r.headers.push_back({"X-Echo", *echo});
    handled.push_back({request, status, r.body});
    return r;
  }

  void CheckRequest(const Request& r, const RouteMatch& route) const {
    const std::string_view what = r.target;
    FUZZ_CHECK(!r.method.empty() && !r.target.empty(), what);
    FUZZ_CHECK(r.body.size() <= limit_, what);
    FUZZ_CHECK(r.request_id.size() == 16, r.request_id);
    // Routed once: Serve gets what Admit returned for this very request line.
    const RouteMatch again = router_.Match(r.method, r.target);
    FUZZ_CHECK(route.outcome == admitted_.outcome && route.route == admitted_.route &&
                   route.param == admitted_.param && route.query == admitted_.query,
               what);
    FUZZ_CHECK(route.outcome == again.outcome && route.route == again.route &&
                   route.param == again.param && route.query == again.query,
               what);
    const std::string* te = r.FindHeader("transfer-encoding");
    const std::string* cl = r.FindHeader("content-length");
    FUZZ_CHECK(te == nullptr || cl == nullptr, what);
    if (te != nullptr) {
      FUZZ_CHECK(EqualsIgnoreCase(*te, "chunked"), *te);
      FUZZ_CHECK(limit_ <= body_memory_, what);  // a chunked body reserves the route's limit
    }
    if (cl != nullptr) {  // 1*DIGIT, leading zeros allowed
      const size_t digits = cl->find_first_not_of('0');
      const std::string_view value =
          digits == std::string::npos ? "0" : std::string_view(*cl).substr(digits);
      FUZZ_CHECK(value == std::to_string(r.body.size()), *cl);
      FUZZ_CHECK(r.body.size() <= body_memory_, *cl);
    }
  }

  const senderid::http::Router router_{senderid::http::CustomerRoutes()};
  const size_t body_memory_;
  size_t limit_ = 0;
  RouteMatch admitted_;
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

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);  // throwing handlers and double answers are logged
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr size_t kReadSizes[] = {0, 1, 2, 3, 7, 16, 100, 4096};
  senderid::http::ServerOptions options;
  options.header_limit = (data[0] & 8) != 0 ? 16 * 1024 : 512;
  const bool tiny_budget = (data[0] & 16) != 0;
  if (tiny_budget) options.max_body_memory = kTinyBodyMemory;
  const size_t read_size = kReadSizes[data[0] % 8];
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  EchoHandler handler(options.max_body_memory);
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
      FUZZ_CHECK(r.status == 400 || r.status == 413 || r.status == 431 || r.status == 500 ||
                     r.status == 503,
                 output);
      if (r.status == 503) {
        FUZZ_CHECK(tiny_budget, output);
        const std::string* retry = r.Find("retry-after");
        FUZZ_CHECK(retry != nullptr && *retry == "1", output);
      }
      FUZZ_CHECK(closed, output);
    }
    ++answered;
  }
  FUZZ_CHECK(answered == handler.handled.size() || answered == handler.handled.size() + 1, output);
  return 0;
}
