#pragma once
// The HTTP/1.1 server: Boost.Beast underneath, plain http::Request/Response above. It owns
// connections, limits, deadlines and the worker pool; what a request means is the Handler's business.
//
// Behaviour (DESIGN §2, SPEC §1, §10):
//  - keep-alive and in-order pipelining (one request at a time per connection, answers in order);
//  - a whole-request deadline (headers + body) that stops slowloris, an idle deadline between
//    keep-alive requests, a write deadline;
//  - headers over `header_limit` → 431; a body over the limit Handler::Admit gave → 413, answered
//    without reading the rest (then the connection closes); malformed HTTP (including
//    Content-Length together with Transfer-Encoding) → 400 and close;
//  - request bodies buffered at once, over all connections, stay under `max_body_memory`: a request
//    whose body would exceed it is answered 503 at once (its Content-Length, or the route's limit
//    for a chunked body, is reserved when its header arrives and released once it is answered);
//  - connections: at most `max_connections`, and never more than the descriptor limit allows
//    (RLIMIT_NOFILE is raised to its hard limit at Start, and the cap keeps headroom for files and
//    the store); at the cap, the connection idle the longest is closed to admit a new one;
//  - every response carries X-Request-Id; one access-log line per request (spdlog, logger "access",
//    in the format of log/log_format.h): id, method, route template, path without query, status,
//    milliseconds, account, error code — never headers or bodies;
//  - an optional RequestObserver (metrics) learns of every request's start and end;
//  - Stop() (or SIGTERM/SIGINT when handle_signals) stops accepting, lets every request whose headers
//    were received finish and be answered (with Connection: close), closes idle connections, and
//    returns from Run() when all are done or drain_timeout passed.
// Thread-safety: Start/Run from one thread; Stop from any thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/message.h"
#include "http/router.h"

namespace senderid::http {

// One request in flight. Thread-safe; holds its connection open until Respond.
class Exchange {
 public:
  virtual ~Exchange() = default;
  virtual const Request& request() const = 0;
  // Runs `work` on the server's worker pool: where anything that blocks (the store, files, slow
  // crypto) belongs. Never on an I/O thread.
  virtual void Offload(std::function<void()> work) = 0;
  // Sends the answer: exactly once, from any thread (later calls are ignored and logged).
  virtual void Respond(Response response) = 0;
};
using ExchangePtr = std::shared_ptr<Exchange>;

// What the handler decided when the request's header arrived.
struct Admission {
  size_t body_limit = 0;
  RouteMatch route;  // handed back to Serve, so that a request is routed once
};

class Handler {
 public:
  virtual ~Handler() = default;
  // On an I/O thread, once the header is in. Must be quick and must not block.
  virtual Admission Admit(std::string_view method, std::string_view target) = 0;
  // On an I/O thread, once the body is in. Must be quick and must not block: blocking work goes to
  // exchange->Offload. An escaping exception becomes 500 InternalError (and is logged).
  virtual void Serve(const ExchangePtr& exchange, const RouteMatch& route) = 0;
};

// Told of every request, for metrics (src/metrics). Called on I/O threads: must be quick, must not
// block and must not throw. Thread-safe.
class RequestObserver {
 public:
  virtual ~RequestObserver() = default;
  // The first byte of a request arrived.
  virtual void RequestStarted() = 0;
  // Its answer was written (or its write failed). `route` is the path template the request
  // matched (Router: RouteMatch::pattern; also for a 405), "" when none did or the request could
  // not be parsed; `method` as sent (log-safe); `seconds` since the first byte.
  virtual void RequestAnswered(std::string_view route, std::string_view method, int status,
                               double seconds) = 0;
  // It ended without an answer (the connection closed first: timeout, reset, drain).
  virtual void RequestDropped() = 0;
};

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port, see Server::port()
  int io_threads = 2;
  int worker_threads = 16;
  size_t header_limit = 16 * 1024;
  size_t max_connections = 10000;  // lowered at Start to what the descriptor limit allows
  size_t max_body_memory = 64 * 1024 * 1024;
  std::chrono::milliseconds request_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds write_timeout{10'000};
  std::chrono::milliseconds drain_timeout{5'000};
  bool handle_signals = false;  // SIGTERM/SIGINT call Stop()
  bool access_log = true;
  RequestObserver* observer = nullptr;  // not owned; outlives the server
};

class Server {
 public:
  Server(ServerOptions options, Handler& handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Returns an error message (e.g. address in use) or "" on success.
  std::string Start();
  // The bound port (useful with port 0), valid after Start.
  uint16_t port() const;
  // The connection cap in force (valid after Start).
  size_t max_connections() const;
  // Serves until Stop (or a signal) and the drain complete. The destructor waits for the worker
  // pool, so work offloaded by the handler ends before the server (and what it uses) goes.
  void Run();
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Test hook for the fuzz target tests/fuzz/http_request_fuzz.cc — not used by the server itself.
// Serves one connection whose client sent `bytes` and then closed its side, through Beast's
// in-memory test stream, with the production session (parsing, limits, checks, keep-alive,
// pipelining, error answers); deadlines do nothing, and offloaded work runs on the calling thread.
// `read_size` caps the bytes one read delivers (0: all available), to vary how input is split.
// Returns every byte the server wrote.
std::string ServeConnectionForFuzzing(Handler& handler, const ServerOptions& options,
                                      std::string_view bytes, size_t read_size = 0);

}  // namespace senderid::http
