#pragma once
// One HTTP/1.1 connection (after Beast 1.74's example/advanced/server), written once for every
// stream it runs on: production's beast::tcp_stream (listener.cc) and the fuzzer's in-memory
// beast::test::stream (fuzz_connection.cc). What differs between streams — deadlines, half-close,
// lingering — is StreamOps<Stream>, which each of those files defines before instantiating.
//
// One request at a time: the next one is read only after the previous answer was written (in-order
// pipelining; pipelined bytes wait in buffer_). Deadlines:
//  - a fresh connection has request_timeout from accept to the end of its first request's body;
//  - between keep-alive requests the session waits for the first byte with idle_timeout, and from
//    that byte on the whole request — header and body — has one request_timeout deadline that is
//    never refreshed (this stops slowloris); pipelined requests start theirs at once;
//  - each response write gets write_timeout. A timeout just closes the connection.
// Closing after an error answer (400/413/431/503): the write side is shut down and further input is
// read and discarded for a short while (at most kLingerTime / kLingerBytes) before the socket is
// closed, so that closing with unread input does not become a TCP RST that destroys the answer.
//
// Thread-safety: every member is touched only on the session's executor (a strand in production),
// except idle_since_ms_ (atomic, read by the listener) and what SessionExchange hands to workers.

#include <pthread.h>
#include <utility>  // g++ 12 / C++20: must precede <boost/asio.hpp>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http/error_answer.h"
#include "http/server/body_budget.h"
#include "http/server/server.h"
#include "http/server/wire.h"
#include "log/log_format.h"

namespace senderid::http {

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

inline constexpr size_t kSessionBufferReserve = 64 * 1024;
inline constexpr size_t kLingerBytes = 1024 * 1024;
inline constexpr std::chrono::milliseconds kLingerTime{1000};

// What the listener can ask of any session.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Server stopping: a connection idle between requests or still reading a header is closed; one
  // whose header is in finishes its request (answered with Connection: close).
  virtual void OnServerStop() = 0;
  virtual void ForceClose() = 0;
  // Closes the connection if it is still waiting for a request (connection shedding).
  virtual void CloseIfIdle() = 0;
  // Milliseconds (steady clock) since which the connection waits for a request; 0 while busy.
  int64_t idle_since_ms() const { return idle_since_ms_.load(); }
  // Takes the session for shedding if it is still idle since `since`: one accept, one victim.
  bool ClaimIdle(int64_t since) { return since != 0 && idle_since_ms_.compare_exchange_strong(since, 0); }

 protected:
  std::atomic<int64_t> idle_since_ms_{0};
};

// What a session needs from the server that owns it.
class SessionHost {
 public:
  virtual ~SessionHost() = default;
  virtual const ServerOptions& options() const = 0;
  virtual Handler& handler() = 0;
  virtual bool stopping() const = 0;
  virtual spdlog::logger* access_log() const = 0;
  virtual BodyBudget& body_budget() = 0;
  // Where Exchange::Offload runs work.
  virtual asio::any_io_executor workers() = 0;
  // Runs `deliver` on an I/O thread soon; from any thread. Answers made on other threads come
  // through here, so that the server can hand a batch of them over with one wake-up.
  virtual void HandOver(std::function<void()> deliver) = 0;
  virtual uint64_t Register(std::weak_ptr<SessionBase> session) = 0;
  virtual void Unregister(uint64_t id) = 0;
};

template <class Stream>
struct StreamOps;  // ExpiresAt, ExpiresAfter, ShutdownSend, Close, PeerAddress, kLingers: per stream

inline int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             SteadyClock::now().time_since_epoch())
      .count();
}

// Runs `call`; an escaping exception is logged and `fallback` returned instead.
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

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream stream, SessionHost& host)
      : host_(host), opts_(host.options()), stream_(std::move(stream)) {
    buffer_.reserve(kSessionBufferReserve);
  }

  ~Session() override {
    EndObservation();
    ReleaseBody();
    host_.Unregister(id_);
  }

  void Start() {
    accepted_at_ = SteadyClock::now();
    peer_address_ = Ops::PeerAddress(stream_);
    id_ = host_.Register(this->weak_from_this());
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->ReadRequest(); });
  }

  void OnServerStop() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->state_ == State::kWaiting || self->state_ == State::kReadingHeader ||
          self->state_ == State::kLingering)
        self->Close();
    });
  }

  void ForceClose() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->Close(); });
  }

  void CloseIfIdle() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->state_ == State::kWaiting) self->Close();
    });
  }

  // The answer of the current request, from any thread (SessionExchange::Respond).
  void PostAnswer(Response r) {
    host_.HandOver([self = this->shared_from_this(), r = std::move(r)]() mutable {
      // On an I/O thread already: onto the session's strand, inline when it is free.
      asio::dispatch(self->stream_.get_executor(), [self, r = std::move(r)]() mutable {
        self->Respond(std::move(r), /*close=*/false);
      });
    });
  }

  SessionHost& host() { return host_; }

 private:
  using Ops = StreamOps<Stream>;
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
    if (host_.stopping()) return Close();
    parser_.emplace();
    wire::LimitParser(*parser_, opts_);
    admission_ = Admission{};
    request_id_.clear();
    method_ = "-";
    path_ = "-";
    version_ = 11;
    keep_alive_ = false;
    head_ = false;
    close_after_ = false;

    if (buffer_.size() > 0) return StartHeader();  // pipelined request already here
    state_ = State::kWaiting;
    idle_since_ms_ = SteadyMillis();
    if (fresh_)
      Ops::ExpiresAt(stream_, accepted_at_ + opts_.request_timeout);
    else
      Ops::ExpiresAfter(stream_, opts_.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kSessionBufferReserve),
                            [self = this->shared_from_this()](wire::beast::error_code ec, size_t n) {
                              self->OnFirstBytes(ec, n);
                            });
  }

  void OnFirstBytes(wire::beast::error_code ec, size_t n) {
    if (state_ == State::kClosed) return;
    if (ec) return Close();  // idle timeout, EOF, reset
    buffer_.commit(n);
    StartHeader();
  }

  void StartHeader() {
    state_ = State::kReadingHeader;
    idle_since_ms_ = 0;
    started_at_ = SteadyClock::now();
    if (opts_.observer != nullptr) {
      opts_.observer->RequestStarted();
      observed_ = true;
    }
    deadline_ = fresh_ ? accepted_at_ + opts_.request_timeout : started_at_ + opts_.request_timeout;
    Ops::ExpiresAt(stream_, deadline_);
    wire::bhttp::async_read_header(stream_, buffer_, *parser_,
                                   [self = this->shared_from_this()](wire::beast::error_code ec, size_t) {
                                     self->OnHeader(ec);
                                   });
  }

  void OnHeader(wire::beast::error_code ec) {
    if (state_ == State::kClosed) return;
    if (ec) return OnReadError(ec);
    state_ = State::kReadingBody;
    const auto& req = parser_->get();
    request_id_ = wire::NewRequestId();
    const std::string_view method = wire::Sv(req.method_string());
    const std::string_view target = wire::Sv(req.target());
    method_ = wire::LogSafe(method);
    path_ = wire::LogSafe(target.substr(0, target.find('?')));
    version_ = req.version();
    keep_alive_ = req.keep_alive();
    head_ = req.method() == wire::bhttp::verb::head;

    // Routed once, here: the route decides the body limit and is handed back to Serve.
    std::optional<Admission> admitted = Guarded(
        request_id_, [&] { return std::optional<Admission>(host_.handler().Admit(method, target)); },
        [] { return std::optional<Admission>(); });
    if (!admitted)
      return Respond(ErrorAnswer(HttpError::kInternal, "Admit threw", request_id_), /*close=*/true);
    admission_ = std::move(*admitted);
    if (auto error = wire::CheckHeader(*parser_, admission_.body_limit, request_id_))
      return Respond(std::move(*error), /*close=*/true);
    const size_t reservation = wire::BodyReservation(*parser_, admission_.body_limit);
    if (reservation > 0) {
      if (!host_.body_budget().TryReserve(reservation))
        return Respond(ErrorAnswer(HttpError::kBodyMemoryExhausted, "", request_id_), /*close=*/true);
      reserved_ = reservation;
    }

    if (parser_->is_done()) return Dispatch();
    if (wire::WantsContinue(*parser_)) {
      Ops::ExpiresAt(stream_, deadline_);
      asio::async_write(stream_, asio::buffer(wire::kContinue.data(), wire::kContinue.size()),
                        [self = this->shared_from_this()](wire::beast::error_code wec, size_t) {
                          if (self->state_ == State::kClosed) return;
                          if (wec) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    Ops::ExpiresAt(stream_, deadline_);  // the same deadline as the header: not refreshed
    wire::bhttp::async_read(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](wire::beast::error_code ec, size_t) {
                              if (self->state_ == State::kClosed) return;
                              if (ec) return self->OnReadError(ec);
                              self->Dispatch();
                            });
  }

  void OnReadError(wire::beast::error_code ec) {
    if (request_id_.empty()) request_id_ = wire::NewRequestId();
    std::optional<Response> error = wire::ReadErrorResponse(ec, opts_, request_id_);
    if (!error) return Close();
    Respond(std::move(*error), /*close=*/true);
  }

  void Dispatch();  // defined after SessionExchange

  void Respond(Response r, bool close) {
    if (state_ == State::kClosed) return;
    // The request is handled: its body's share of the budget is free before the client can see
    // the answer (so a client that reads it and sends more never finds it still taken).
    ReleaseBody();
    close_after_ = close_after_ || close;
    r = wire::CheckedResponse(std::move(r), request_id_);
    log_account_ = std::move(r.log_account);
    log_error_ = std::move(r.log_error);
    const bool keep_alive = keep_alive_ && !close_after_ && !host_.stopping();
    wire::BuildResponse(res_, std::move(r), request_id_, version_, keep_alive, head_);

    state_ = State::kWriting;
    Ops::ExpiresAfter(stream_, opts_.write_timeout);
    wire::bhttp::async_write(stream_, res_,
                             [self = this->shared_from_this()](wire::beast::error_code ec, size_t) {
                               self->OnWrite(ec);
                             });
  }

  void OnWrite(wire::beast::error_code ec) {
    LogAccess();
    if (observed_) {
      observed_ = false;
      const std::chrono::duration<double> took = SteadyClock::now() - started_at_;
      opts_.observer->RequestAnswered(admission_.route.pattern, method_,
                                      static_cast<int>(res_.result_int()), took.count());
    }
    if (state_ == State::kClosed) return;
    if (ec) return Close();
    if (close_after_) return Linger();
    if (!res_.keep_alive()) return Close();
    fresh_ = false;
    res_ = {};
    ReadRequest();
  }

  void LogAccess() {
    spdlog::logger* logger = host_.access_log();
    if (logger == nullptr) return;
    const double ms =
        std::chrono::duration<double, std::milli>(SteadyClock::now() - started_at_).count();
    log::LogAccess(*logger, log::AccessRecord{request_id_, method_, admission_.route.pattern,
                                              path_, static_cast<int>(res_.result_int()), ms,
                                              log_account_, log_error_});
  }

  // A request the observer was told of ends without an answer.
  void EndObservation() {
    if (!observed_) return;
    observed_ = false;
    opts_.observer->RequestDropped();
  }

  void ReleaseBody() {
    if (reserved_ == 0) return;
    host_.body_budget().Release(reserved_);
    reserved_ = 0;
  }

  // After an error answer: stop sending, discard what the client still sends for a bounded time.
  void Linger() {
    if (!Ops::kLingers) return Close();
    state_ = State::kLingering;
    Ops::ShutdownSend(stream_);
    buffer_.clear();
    Ops::ExpiresAfter(stream_, std::min<std::chrono::milliseconds>(kLingerTime, opts_.request_timeout));
    DiscardSome();
  }

  void DiscardSome() {
    stream_.async_read_some(buffer_.prepare(kSessionBufferReserve),
                            [self = this->shared_from_this()](wire::beast::error_code ec, size_t n) {
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
    idle_since_ms_ = 0;
    EndObservation();
    ReleaseBody();
    Ops::Close(stream_);  // also cancels pending operations and timers
  }

  SessionHost& host_;
  const ServerOptions& opts_;
  Stream stream_;
  wire::beast::flat_buffer buffer_;
  std::optional<wire::RequestParser> parser_;
  wire::BeastResponse res_;
  Admission admission_;

  State state_ = State::kWaiting;
  uint64_t id_ = 0;
  bool fresh_ = true;         // no request answered yet on this connection
  bool keep_alive_ = false;   // the current request asks for keep-alive
  bool head_ = false;         // the current request is a HEAD: its answer carries no body
  bool close_after_ = false;  // the current answer ends the connection (error answer)
  bool observed_ = false;     // the observer was told the current request started, not its end
  unsigned version_ = 11;
  size_t discarded_ = 0;
  size_t reserved_ = 0;       // bytes of the body budget the current request holds
  SteadyClock::time_point accepted_at_;
  SteadyClock::time_point started_at_;  // first byte of the current request
  SteadyClock::time_point deadline_;    // whole-request deadline
  std::string request_id_;
  std::string peer_address_;  // of the TCP peer, read once at Start
  std::string method_;
  std::string path_;
  std::string log_account_;
  std::string log_error_;
};

// The request handed to the handler: keeps its session alive until answered.
template <class Stream>
class SessionExchange final : public Exchange,
                              public std::enable_shared_from_this<SessionExchange<Stream>> {
 public:
  SessionExchange(std::shared_ptr<Session<Stream>> session, Request request)
      : session_(std::move(session)), request_(std::move(request)) {}

  const Request& request() const override { return request_; }

  void Offload(std::function<void()> work) override {
    asio::post(session_->host().workers(),
               [self = this->shared_from_this(), work = std::move(work)] {
                 // The pool's threads are asio's: named by the first work each one runs.
                 static thread_local const bool named =
                     pthread_setname_np(pthread_self(), "http-worker") == 0;
                 (void)named;
                 const bool ran = Guarded(
                     self->request_.request_id, [&] { work(); return true; }, [] { return false; });
                 if (!ran)
                   self->Respond(ErrorAnswer(HttpError::kInternal, "offloaded work threw",
                                             self->request_.request_id));
               });
  }

  void Respond(Response response) override {
    if (answered_.exchange(true)) {
      spdlog::error("request {}: answered twice; the second answer is dropped", request_.request_id);
      return;
    }
    session_->PostAnswer(std::move(response));
  }

 private:
  std::shared_ptr<Session<Stream>> session_;
  Request request_;
  std::atomic<bool> answered_{false};
};

template <class Stream>
void Session<Stream>::Dispatch() {
  state_ = State::kHandling;
  Request request = wire::ToRequest(parser_->release(), request_id_);
  request.peer_address = peer_address_;
  auto exchange = std::make_shared<SessionExchange<Stream>>(this->shared_from_this(),
                                                            std::move(request));
  parser_.reset();
  const ExchangePtr as_exchange = exchange;
  const bool served = Guarded(
      request_id_, [&] { host_.handler().Serve(as_exchange, admission_.route); return true; },
      [] { return false; });
  if (!served) exchange->Respond(ErrorAnswer(HttpError::kInternal, "Serve threw", request_id_));
}

}  // namespace senderid::http
