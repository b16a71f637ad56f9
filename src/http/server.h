#pragma once
// The HTTP/1.1 server: Boost.Beast underneath, plain http::Request/Response above. It owns
// connections, limits and deadlines; what a request means is the Handler's business.
//
// Behaviour (DESIGN §2, SPEC §1, §10):
//  - keep-alive and in-order pipelining (one request at a time per connection, answers in order);
//  - a whole-request deadline (headers + body) that stops slowloris, an idle deadline between
//    keep-alive requests, a write deadline;
//  - headers over `header_limit` → 431, body over Handler::BodyLimit → 413 PayloadTooLarge, answered
//    without reading the rest (then the connection closes); malformed HTTP (including Content-Length
//    together with Transfer-Encoding) → 400 and close;
//  - Handler::Handle runs on a worker pool, never on the I/O threads;
//  - every response carries X-Request-Id; one access-log line per request (spdlog, logger "access"):
//    id, method, path without query, status, milliseconds, account, error code — never headers or
//    bodies;
//  - Stop() (or SIGTERM/SIGINT when handle_signals) stops accepting, lets every request whose headers
//    were received finish and be answered (with Connection: close), closes idle connections, and
//    returns from Run() when all are done or drain_timeout passed.
// Thread-safety: Start/Run from one thread; Stop from any thread.

#include <chrono>
#include <functional>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace senderid::http {

class Handler {
 public:
  virtual ~Handler() = default;
  // The largest body accepted for this request line; called on an I/O thread once the headers are in.
  virtual size_t BodyLimit(std::string_view method, std::string_view target) const = 0;
  // Cheap requests (e.g. GET /healthz) answered right on the I/O thread; nullopt sends the request
  // to Handle on the worker pool.
  virtual std::optional<Response> HandleInline(const Request& request) = 0;
  // Called on a worker thread. An escaping exception becomes 500 InternalError (and is logged).
  virtual Response Handle(const Request& request) = 0;

  // Optional, for requests that would only wait on a worker thread (e.g. for a group commit):
  // called on the I/O thread after HandleInline declined; returning true takes the request, and the
  // handler must then call `respond` exactly once, from any thread, with a function that produces
  // the answer — it runs on the connection's I/O strand (so it must be quick and not block).
  using Responder = std::function<void(std::function<Response()> produce)>;
  virtual bool HandleAsync(const Request& /*request*/, const Responder& /*respond*/) {
    return false;
  }
};

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port, see Server::port()
  int io_threads = 2;
  int worker_threads = 16;
  size_t header_limit = 16 * 1024;
  size_t max_connections = 10000;
  std::chrono::milliseconds request_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds write_timeout{10'000};
  std::chrono::milliseconds drain_timeout{5'000};
  bool handle_signals = false;  // SIGTERM/SIGINT call Stop()
  bool access_log = true;
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
  // Serves until Stop (or a signal) and the drain complete.
  void Run();
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Test hook for the fuzz target tests/fuzz/http_request_fuzz.cc — not used by the server itself.
// Serves one connection whose client sent `bytes` and then closed its side, through Beast's
// in-memory test stream, with the session's parsing, limits and checks (header_limit, per-route
// BodyLimit, Transfer-Encoding rules, 100-continue, keep-alive and pipelining, error answers); the
// handler runs synchronously on the calling thread (HandleInline, then HandleAsync — whose
// `respond` must then be called before it returns — then Handle). No deadlines, worker pool or
// access log.
// `read_size` caps the bytes one read delivers (0: all available), to vary how input is split.
// Returns every byte the server wrote.
std::string ServeConnectionForFuzzing(Handler& handler, const ServerOptions& options,
                                      std::string_view bytes, size_t read_size = 0);

}  // namespace senderid::http
