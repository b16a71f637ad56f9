// The Beast HTTP/1.1 server behind http::Server (see server.h for the contract). This is the only
// translation unit of the project that includes Beast/Asio.
//
// Shape (after Beast 1.74's example/advanced/server):
//  - Server::Impl owns the io_context, the acceptor (on its own strand), an optional signal_set and
//    the worker thread_pool. Run() starts `io_threads` threads on the io_context and then waits on a
//    condition variable until Stop() was called and every session is gone (or drain_timeout passed).
//  - Session serves one connection on its own strand: one request at a time, the next one read only
//    after the previous answer was written (in-order pipelining; pipelined bytes wait in buffer_).
//
// Deadlines (beast::tcp_stream, absolute expiry reused by every read until reset):
//  - a fresh connection has request_timeout from accept to the end of its first request's body;
//  - between keep-alive requests the session waits for the first byte with idle_timeout (a plain
//    async_read_some into the session buffer), and from that byte on the whole request — header
//    and body — has one request_timeout deadline that is never refreshed (this stops slowloris);
//    pipelined requests already in the buffer start their request_timeout at once;
//  - each response write gets write_timeout.
// A timeout just closes the connection.
//
// max_connections: a connection accepted while `max_connections` sessions are alive is closed at
// once (the client sees EOF/reset rather than hanging in the kernel backlog).
//
// Closing after an error answer (400/413/431): the write side is shut down and the remaining input
// is read and discarded for a short while (at most kLingerTime / kLingerBytes) before the socket is
// closed, so that closing with unread input does not turn into a TCP RST that could destroy the
// answer before the client reads it. No part of the discarded input is parsed or buffered.

#include "http/server.h"

#include <utility>  // g++ 12 / C++20: must precede <boost/asio.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/_experimental/test/stream.hpp>  // ServeOneForFuzzing only
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace senderid::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr size_t kBufferReserve = 64 * 1024;
constexpr size_t kLingerBytes = 1024 * 1024;
constexpr std::chrono::milliseconds kLingerTime{1000};
constexpr std::chrono::milliseconds kForceCloseGrace{500};
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// A request id: 16 lowercase hex digits from a per-thread splitmix64 seeded from random_device.
// Only for correlating log lines; not security relevant.
std::string NewRequestId() {
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

std::string ErrorJson(std::string_view code, std::string_view message) {
  std::string body;
  body.reserve(40 + code.size() + message.size());
  body.append(R"({"errorCode":")").append(code).append(R"(","errorMessage":")");
  body.append(message).append(R"("})");
  return body;
}

Response ErrorResponse(int status, std::string_view code, std::string_view message) {
  Response r;
  r.status = status;
  r.body = ErrorJson(code, message);
  r.log_error = std::string(code);
  return r;
}

Response InternalError(const std::string& request_id) {
  return ErrorResponse(500, "InternalError", "internal error (request id " + request_id + ")");
}

std::string_view Sv(beast::string_view s) { return {s.data(), s.size()}; }

bool HasCrLf(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

std::shared_ptr<spdlog::logger> AccessLogger() {
  static std::mutex mu;
  std::lock_guard lock(mu);
  if (auto logger = spdlog::get("access")) return logger;
  try {
    return spdlog::stderr_color_mt("access");
  } catch (const spdlog::spdlog_ex&) {  // registered meanwhile by someone else
    return spdlog::get("access");
  }
}

//--------------------------------------------------------------------------------------------------
// The steps of one exchange that do no I/O, shared by Session and ServeOneForFuzzing so that the
// fuzzer exercises exactly the server's limits and checks.

using RequestParser = bhttp::request_parser<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

// A fresh parser's limits. The Content-Length check of finish_header() runs during the header
// read; the real, per-route body limit is applied once the header is in (see CheckHeader).
void LimitParser(RequestParser& parser, const ServerOptions& opts) {
  parser.header_limit(static_cast<uint32_t>(
      std::min<size_t>(opts.header_limit, std::numeric_limits<uint32_t>::max())));
  parser.body_limit(std::numeric_limits<uint64_t>::max());
}

// Once the header is in: nullopt when the request goes on (the parser then holds the route's body
// limit), else the error answer, after which the connection closes.
std::optional<Response> CheckHeader(RequestParser& parser, Handler& handler,
                                    const std::string& request_id) {
  const auto& req = parser.get();
  // Beast 1.74 refuses Content-Length followed by any Transfer-Encoding, and "chunked" followed
  // by Content-Length (both → 400 via ReadErrorResponse), but accepts a Transfer-Encoding that does
  // not end in chunked: alone the request then counts as bodiless, and followed by
  // Content-Length it is framed by the length. Either way the rest of the stream could be read
  // as a different request than an intermediary sees (request smuggling), so only a single
  // plain "Transfer-Encoding: chunked" without Content-Length is accepted.
  if (req.count(bhttp::field::transfer_encoding) > 0) {
    auto te = req.find(bhttp::field::transfer_encoding);
    if (req.count(bhttp::field::transfer_encoding) != 1 || !parser.chunked() ||
        !beast::iequals(te->value(), "chunked") || req.count(bhttp::field::content_length) > 0)
      return ErrorResponse(400, "ValidationError", "malformed HTTP request");
  }

  size_t limit = 0;
  try {
    limit = handler.BodyLimit(Sv(req.method_string()), Sv(req.target()));
  } catch (const std::exception& e) {
    spdlog::error("request {}: BodyLimit threw: {}", request_id, e.what());
    return InternalError(request_id);
  } catch (...) {
    spdlog::error("request {}: BodyLimit threw a non-standard exception", request_id);
    return InternalError(request_id);
  }
  if (auto length = parser.content_length(); length && *length > limit)
    return ErrorResponse(413, "PayloadTooLarge",
                         "request body exceeds " + std::to_string(limit) + " bytes");
  parser.body_limit(static_cast<uint64_t>(limit));
  return std::nullopt;
}

bool WantsContinue(const RequestParser& parser) {
  const auto& req = parser.get();
  auto expect = req.find(bhttp::field::expect);
  return req.version() >= 11 && expect != req.end() &&
         beast::iequals(expect->value(), "100-continue");
}

// A failed header or body read: the error answer (the connection then closes), or nullopt when
// there is nobody to answer (timeouts, EOF also in the middle of a message, resets, aborts).
std::optional<Response> ReadErrorResponse(beast::error_code ec, const ServerOptions& opts) {
  if (ec == bhttp::error::header_limit)
    return ErrorResponse(431, "RequestHeaderFieldsTooLarge",
                         "request header exceeds " + std::to_string(opts.header_limit) + " bytes");
  if (ec == bhttp::error::body_limit)
    return ErrorResponse(413, "PayloadTooLarge", "request body too large");
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
      ec.category() != bhttp::make_error_code(bhttp::error::bad_method).category())
    return std::nullopt;
  return ErrorResponse(400, "ValidationError", "malformed HTTP request");
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

// `text` for a log line: bytes outside printable ASCII (control characters, invalid UTF-8, a
// right-to-left override) and the escape character itself written as %XX, so a line reads as what
// was received and cannot be made to look like something else.
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

// Runs a handler call; an escaping exception is logged and `fallback` returned instead (a 500).
template <typename Call, typename Fallback>
auto Guarded(const std::string& request_id, Call call, Fallback fallback) -> decltype(call()) {
  try {
    return call();
  } catch (const std::exception& e) {
    spdlog::error("request {}: handler threw: {}", request_id, e.what());
  } catch (...) {
    spdlog::error("request {}: handler threw a non-standard exception", request_id);
  }
  return fallback();
}

// Handler::HandleInline, HandleAsync and Handle with an escaping exception turned into a 500.
std::optional<Response> CallHandleInline(Handler& handler, const Request& request) {
  return Guarded(
      request.request_id, [&] { return handler.HandleInline(request); },
      [&] { return std::optional<Response>(InternalError(request.request_id)); });
}

bool CallHandleAsync(Handler& handler, const Request& request, const Handler::Responder& respond) {
  return Guarded(
      request.request_id, [&] { return handler.HandleAsync(request, respond); },
      [&] {
        respond([id = request.request_id] { return InternalError(id); });
        return true;
      });
}

Response CallProduce(const std::function<Response()>& produce, const std::string& request_id) {
  return Guarded(request_id, produce, [&] { return InternalError(request_id); });
}

Response CallHandle(Handler& handler, const Request& request) {
  return Guarded(
      request.request_id, [&] { return handler.Handle(request); },
      [&] { return InternalError(request.request_id); });
}

// The handler's answer, unless it would break the framing of the exchange (a 1xx status; a 204
// or 304 with a body, which prepare_payload refuses by throwing) or its status is no HTTP status
// at all: then a 500.
Response CheckedResponse(Response r, const std::string& request_id) {
  const bool bodiless = r.status == 204 || r.status == 304;
  if (r.status >= 200 && r.status <= 599 && !(bodiless && !r.body.empty())) return r;
  spdlog::error("request {}: handler returned invalid status {}{}", request_id, r.status,
                bodiless ? " with a body" : "");
  return InternalError(request_id);
}

// The wire message of an answer (its log fields are not used). The answer to a HEAD request
// keeps its Content-Length but sends no body (RFC 9110 §9.3.2): a client reads none, so a body
// would be taken for the start of the next response.
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

}  // namespace

class Server::Impl {
 public:
  class Session;

  Impl(ServerOptions options, Handler& handler)
      : options_(std::move(options)),
        handler_(handler),
        ioc_(std::max(1, options_.io_threads)),
        strand_(asio::make_strand(ioc_)),
        acceptor_(strand_),
        accept_retry_(strand_),
        pool_(static_cast<size_t>(std::max(1, options_.worker_threads))) {
    if (options_.access_log) access_log_ = AccessLogger();
  }

  ~Impl() {
    Stop();
    // Wait for handlers still running on the pool (their sessions post to a stopped io_context);
    // a handler that never returns blocks here — it cannot be interrupted.
    pool_.join();
    // Members are destroyed next; ioc_ destroys pending handlers and with them the last sessions,
    // which unregister from mu_/sessions_ (declared before ioc_, so still alive).
  }

  std::string Start();
  uint16_t port() const { return port_; }
  void Run();
  void Stop();

  // For sessions.
  const ServerOptions& options() const { return options_; }
  Handler& handler() { return handler_; }
  asio::thread_pool& pool() { return pool_; }
  bool stopping() const { return stopping_.load(); }
  spdlog::logger* access_log() const { return access_log_.get(); }
  uint64_t Register(std::weak_ptr<Session> session);
  void Unregister(uint64_t id);

 private:
  void DoAccept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  std::vector<std::shared_ptr<Session>> LiveSessions();

  const ServerOptions options_;
  Handler& handler_;
  std::shared_ptr<spdlog::logger> access_log_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_requested_ = false;          // guarded by mu_
  Clock::time_point stop_time_;          // guarded by mu_
  uint64_t next_session_id_ = 0;         // guarded by mu_
  std::unordered_map<uint64_t, std::weak_ptr<Session>> sessions_;  // guarded by mu_
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> last_overload_warning_{0};

  asio::io_context ioc_;
  asio::strand<asio::io_context::executor_type> strand_;  // acceptor, retry timer, signals
  tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_;
  std::optional<asio::signal_set> signals_;
  asio::thread_pool pool_;

  bool started_ = false;
  uint16_t port_ = 0;
};

// One connection. All members are touched only on the session's strand (the stream's executor),
// except request_, which the worker reads while the strand waits for the answer.
class Server::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Impl& server)
      : server_(server), opts_(server.options()), stream_(std::move(socket)) {
    buffer_.reserve(kBufferReserve);
  }

  ~Session() { server_.Unregister(id_); }

  void Start() {
    accepted_at_ = Clock::now();
    id_ = server_.Register(weak_from_this());
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadRequest(); });
  }

  // Server stopping: a connection idle between requests or still reading a header is closed;
  // one whose header is in finishes its request (answered with Connection: close).
  void OnServerStop() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::kWaiting || self->state_ == State::kReadingHeader ||
          self->state_ == State::kLingering)
        self->Close();
    });
  }

  void ForceClose() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->Close(); });
  }

 private:
  enum class State {
    kWaiting,        // for the first byte of a request
    kReadingHeader,
    kReadingBody,    // includes writing "100 Continue"
    kHandling,       // handler running
    kWriting,
    kLingering,      // error answer sent, discarding input before close
    kClosed,
  };

  void ReadRequest() {
    if (state_ == State::kClosed) return;
    if (server_.stopping()) return Close();
    parser_.emplace();
    LimitParser(*parser_, opts_);
    request_ = Request{};
    request_id_.clear();
    method_ = "-";
    path_ = "-";
    version_ = 11;
    keep_alive_ = false;
    head_ = false;
    close_after_ = false;

    if (buffer_.size() > 0) return StartHeader();  // pipelined request already here
    state_ = State::kWaiting;
    if (fresh_)
      stream_.expires_at(accepted_at_ + opts_.request_timeout);
    else
      stream_.expires_after(opts_.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kBufferReserve),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->OnFirstBytes(ec, n);
                            });
  }

  void OnFirstBytes(beast::error_code ec, size_t n) {
    if (state_ == State::kClosed) return;
    if (ec) return Close();  // idle timeout, EOF, reset
    buffer_.commit(n);
    StartHeader();
  }

  void StartHeader() {
    state_ = State::kReadingHeader;
    started_at_ = Clock::now();
    deadline_ = fresh_ ? accepted_at_ + opts_.request_timeout : started_at_ + opts_.request_timeout;
    stream_.expires_at(deadline_);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, size_t) {
                               self->OnHeader(ec);
                             });
  }

  void OnHeader(beast::error_code ec) {
    if (state_ == State::kClosed) return;
    if (ec) return OnReadError(ec);
    state_ = State::kReadingBody;
    const auto& req = parser_->get();
    request_id_ = NewRequestId();
    method_ = LogSafe(Sv(req.method_string()));
    std::string_view target = Sv(req.target());
    path_ = LogSafe(target.substr(0, target.find('?')));
    version_ = req.version();
    keep_alive_ = req.keep_alive();
    head_ = req.method() == bhttp::verb::head;

    if (auto error = CheckHeader(*parser_, server_.handler(), request_id_))
      return Respond(std::move(*error), /*close=*/true);

    if (parser_->is_done()) return Dispatch();
    if (WantsContinue(*parser_)) {
      stream_.expires_at(deadline_);
      asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = shared_from_this()](beast::error_code wec, size_t) {
                          if (self->state_ == State::kClosed) return;
                          if (wec) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    stream_.expires_at(deadline_);  // the same deadline as the header: not refreshed
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (self->state_ == State::kClosed) return;
                        if (ec) return self->OnReadError(ec);
                        self->Dispatch();
                      });
  }

  void OnReadError(beast::error_code ec) {
    std::optional<Response> error = ReadErrorResponse(ec, opts_);
    if (!error) return Close();
    if (request_id_.empty()) request_id_ = NewRequestId();
    Respond(std::move(*error), /*close=*/true);
  }

  void Dispatch() {
    state_ = State::kHandling;
    request_ = ToRequest(parser_->release(), request_id_);
    parser_.reset();

    if (auto inline_response = CallHandleInline(server_.handler(), request_))
      return Respond(std::move(*inline_response), /*close=*/false);

    // The handler may answer later without a worker; the answer is produced on this strand.
    const Handler::Responder respond = [self = shared_from_this(), ex = stream_.get_executor()](
                                           std::function<Response()> produce) {
      asio::post(ex, [self, produce = std::move(produce)] {
        self->Respond(CallProduce(produce, self->request_.request_id), /*close=*/false);
      });
    };
    if (CallHandleAsync(server_.handler(), request_, respond)) return;

    // Run's work guard keeps the io_context alive while the pool holds this request.
    asio::post(server_.pool(), [self = shared_from_this(), ex = stream_.get_executor()] {
      Response response = CallHandle(self->server_.handler(), self->request_);
      asio::post(ex, [self, r = std::move(response)]() mutable {
        self->Respond(std::move(r), /*close=*/false);
      });
    });
  }

  void Respond(Response r, bool close) {
    if (state_ == State::kClosed) return;
    close_after_ = close_after_ || close;
    r = CheckedResponse(std::move(r), request_id_);
    log_account_ = std::move(r.log_account);
    log_error_ = std::move(r.log_error);
    const bool keep_alive = keep_alive_ && !close_after_ && !server_.stopping();
    BuildResponse(res_, std::move(r), request_id_, version_, keep_alive, head_);

    state_ = State::kWriting;
    stream_.expires_after(opts_.write_timeout);
    bhttp::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, size_t) {
      self->OnWrite(ec);
    });
  }

  void OnWrite(beast::error_code ec) {
    LogAccess();
    if (state_ == State::kClosed) return;
    if (ec) return Close();
    if (close_after_) return Linger();
    if (!res_.keep_alive()) return Close();
    fresh_ = false;
    res_ = {};
    ReadRequest();
  }

  void LogAccess() {
    spdlog::logger* log = server_.access_log();
    if (log == nullptr) return;
    const double ms =
        std::chrono::duration<double, std::milli>(Clock::now() - started_at_).count();
    log->info("id={} method={} path={} status={} ms={:.2f} account={} error={}", request_id_,
              method_, path_, res_.result_int(), ms,
              log_account_.empty() ? "-" : log_account_, log_error_.empty() ? "-" : log_error_);
  }

  // After an error answer: stop sending, discard what the client still sends for a bounded time.
  void Linger() {
    state_ = State::kLingering;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    buffer_.clear();
    stream_.expires_after(std::min<std::chrono::milliseconds>(kLingerTime, opts_.request_timeout));
    DiscardSome();
  }

  void DiscardSome() {
    stream_.async_read_some(buffer_.prepare(kBufferReserve),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              if (self->state_ == State::kClosed) return;
                              self->discarded_ += n;
                              self->buffer_.clear();
                              if (ec || self->discarded_ > kLingerBytes) return self->Close();
                              self->DiscardSome();
                            });
  }

  void Close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();  // also cancels pending operations and timers
  }

  Impl& server_;
  const ServerOptions& opts_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> res_;
  Request request_;

  State state_ = State::kWaiting;
  uint64_t id_ = 0;
  bool fresh_ = true;         // no request answered yet on this connection
  bool keep_alive_ = false;   // the current request asks for keep-alive
  bool head_ = false;         // the current request is a HEAD: its answer carries no body
  bool close_after_ = false;  // the current answer ends the connection (error answer)
  unsigned version_ = 11;
  size_t discarded_ = 0;
  Clock::time_point accepted_at_;
  Clock::time_point started_at_;  // first byte of the current request
  Clock::time_point deadline_;    // whole-request deadline
  std::string request_id_;
  std::string method_;
  std::string path_;
  std::string log_account_;
  std::string log_error_;
};

//--------------------------------------------------------------------------------------------------
// Server::Impl

std::string Server::Impl::Start() {
  if (started_) return "server already started";
  beast::error_code ec;
  const std::string where = options_.address + ":" + std::to_string(options_.port);
  tcp::resolver resolver(ioc_);
  auto results = resolver.resolve(options_.address, std::to_string(options_.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty())
    return "cannot resolve address " + where + ": " + (ec ? ec.message() : "no address");
  const tcp::endpoint endpoint = results.begin()->endpoint();

  auto fail = [&](const std::string& what) {
    beast::error_code ignored;
    acceptor_.close(ignored);
    return what;
  };
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return fail("cannot open socket for " + where + ": " + ec.message());
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("cannot set SO_REUSEADDR on " + where + ": " + ec.message());
  acceptor_.bind(endpoint, ec);
  if (ec == asio::error::address_in_use) return fail("address already in use: " + where);
  if (ec == asio::error::access_denied) return fail("permission denied binding " + where);
  if (ec) return fail("cannot bind " + where + ": " + ec.message());
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("cannot listen on " + where + ": " + ec.message());
  port_ = acceptor_.local_endpoint(ec).port();
  if (ec) return fail("cannot read the bound port of " + where + ": " + ec.message());

  if (options_.handle_signals) {
    signals_.emplace(strand_, SIGINT, SIGTERM);
    signals_->async_wait([this](beast::error_code sec, int signal) {
      if (sec) return;  // cancelled
      spdlog::info("signal {} received, stopping", signal);
      Stop();
    });
  }
  started_ = true;
  asio::post(strand_, [this] { DoAccept(); });
  return "";
}

void Server::Impl::DoAccept() {
  acceptor_.async_accept(asio::make_strand(ioc_),
                         [this](beast::error_code ec, tcp::socket socket) {
                           OnAccept(ec, std::move(socket));
                         });
}

void Server::Impl::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (stopping_ || !acceptor_.is_open()) return;  // the socket, if any, closes with its destructor
  if (ec) {
    // E.g. EMFILE: retry a little later instead of spinning on the error.
    spdlog::warn("accept failed: {}", ec.message());
    accept_retry_.expires_after(std::chrono::milliseconds(50));
    accept_retry_.async_wait([this](beast::error_code wec) {
      if (!wec && !stopping_) DoAccept();
    });
    return;
  }
  size_t live;
  {
    std::lock_guard lock(mu_);
    live = sessions_.size();
  }
  if (live >= options_.max_connections) {
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                            Clock::now().time_since_epoch()).count();
    if (last_overload_warning_.exchange(now) != now)
      spdlog::warn("max_connections ({}) reached: closing new connections",
                   options_.max_connections);
    beast::error_code ignored;
    socket.close(ignored);
  } else {
    std::make_shared<Session>(std::move(socket), *this)->Start();
  }
  DoAccept();
}

uint64_t Server::Impl::Register(std::weak_ptr<Session> session) {
  std::lock_guard lock(mu_);
  const uint64_t id = ++next_session_id_;
  sessions_.emplace(id, std::move(session));
  return id;
}

void Server::Impl::Unregister(uint64_t id) {
  std::lock_guard lock(mu_);
  sessions_.erase(id);
  if (sessions_.empty()) cv_.notify_all();
}

auto Server::Impl::LiveSessions() -> std::vector<std::shared_ptr<Session>> {
  std::vector<std::weak_ptr<Session>> weak;
  {
    std::lock_guard lock(mu_);
    weak.reserve(sessions_.size());
    for (const auto& entry : sessions_) weak.push_back(entry.second);
  }
  // Locked outside mu_: if one of these turns out to be the last owner, ~Session takes mu_.
  std::vector<std::shared_ptr<Session>> live;
  live.reserve(weak.size());
  for (const auto& w : weak)
    if (auto s = w.lock()) live.push_back(std::move(s));
  return live;
}

void Server::Impl::Stop() {
  stopping_ = true;  // before taking the session list: see Session::ReadRequest
  {
    std::lock_guard lock(mu_);
    if (stop_requested_) return;
    stop_requested_ = true;
    stop_time_ = Clock::now();
  }
  cv_.notify_all();
  asio::post(strand_, [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
    accept_retry_.cancel();
    if (signals_) signals_->cancel(ignored);
  });
  for (const auto& session : LiveSessions()) session->OnServerStop();
}

void Server::Impl::Run() {
  if (!started_) return;
  auto work = asio::make_work_guard(ioc_);
  std::vector<std::thread> threads;
  const int n = std::max(1, options_.io_threads);
  threads.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([this] {
      for (;;) {
        try {
          ioc_.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("exception on an I/O thread: {}", e.what());
        }
      }
    });
  }
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return stop_requested_; });
    const bool drained = cv_.wait_until(lock, stop_time_ + options_.drain_timeout,
                                        [&] { return sessions_.empty(); });
    if (!drained) {
      spdlog::warn("drain timeout: force-closing {} connection(s)", sessions_.size());
      lock.unlock();
      for (const auto& session : LiveSessions()) session->ForceClose();
      lock.lock();
      // A session whose handler is still running on the pool stays alive; don't wait for it.
      cv_.wait_for(lock, kForceCloseGrace, [&] { return sessions_.empty(); });
    }
  }
  work.reset();
  ioc_.stop();
  for (auto& t : threads) t.join();
  // The posted close of Stop() may not have run before ioc_.stop(); no I/O thread is left now.
  beast::error_code ignored;
  acceptor_.close(ignored);
  if (signals_) signals_->cancel(ignored);
}

//--------------------------------------------------------------------------------------------------
// Test hook: one connection through Beast's in-memory test stream, synchronously, with the steps
// Session takes (minus deadlines, the worker pool, lingering and the access log).

std::string ServeConnectionForFuzzing(Handler& handler, const ServerOptions& options,
                                      std::string_view bytes, size_t read_size) {
  asio::io_context ioc;
  beast::test::stream conn(ioc);
  beast::test::stream client(ioc);
  conn.connect(client);
  conn.append({bytes.data(), bytes.size()});
  conn.close_remote();  // the client sent everything: then EOF
  if (read_size > 0) conn.read_size(read_size);

  beast::flat_buffer buffer;
  for (;;) {
    RequestParser parser;
    LimitParser(parser, options);
    std::string request_id;
    unsigned version = 11;
    bool keep_alive = false;
    bool head = false;
    bool close = false;
    std::optional<Response> answer;

    beast::error_code ec;
    bhttp::read_header(conn, buffer, parser, ec);
    if (!ec) {
      request_id = NewRequestId();
      version = parser.get().version();
      keep_alive = parser.get().keep_alive();
      head = parser.get().method() == bhttp::verb::head;
      answer = CheckHeader(parser, handler, request_id);
      close = answer.has_value();
      if (!answer && !parser.is_done()) {
        if (WantsContinue(parser)) {
          asio::write(conn, asio::buffer(kContinue.data(), kContinue.size()), ec);
          if (ec) break;
        }
        bhttp::read(conn, buffer, parser, ec);
      }
    }
    if (ec) {
      answer = ReadErrorResponse(ec, options);
      if (!answer) break;  // nobody to answer: the session closes
      if (request_id.empty()) request_id = NewRequestId();
      close = true;
    }
    if (!answer) {
      const Request request = ToRequest(parser.release(), request_id);
      answer = CallHandleInline(handler, request);
      if (!answer) {
        std::function<Response()> produced;
        const Handler::Responder respond = [&](std::function<Response()> produce) {
          produced = std::move(produce);
        };
        if (!CallHandleAsync(handler, request, respond))
          answer = CallHandle(handler, request);
        else if (produced)
          answer = CallProduce(produced, request_id);
        else  // here the handler must respond before HandleAsync returns
          answer = InternalError(request_id);
      }
    }

    BeastResponse res;
    const bool keep = keep_alive && !close;
    BuildResponse(res, CheckedResponse(std::move(*answer), request_id), request_id, version, keep,
                  head);
    bhttp::write(conn, res, ec);
    if (ec || !keep) break;  // after an error answer the session lingers: nothing more is parsed
  }
  return std::string(Sv(client.str()));
}

//--------------------------------------------------------------------------------------------------
// Server

Server::Server(ServerOptions options, Handler& handler)
    : impl_(std::make_unique<Impl>(std::move(options), handler)) {}
Server::~Server() = default;
std::string Server::Start() { return impl_->Start(); }
uint16_t Server::port() const { return impl_->port(); }
void Server::Run() { impl_->Run(); }
void Server::Stop() { impl_->Stop(); }

}  // namespace senderid::http
