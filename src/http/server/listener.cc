// The production server behind http::Server (see server.h for the contract): the listener that
// accepts connections onto sessions (session.h over beast::tcp_stream), the connection cap, the
// worker pool, and stopping with a drain.
//
// Shape: Server::Impl owns the io_context, the acceptor (on its own strand), an optional signal_set
// and the worker thread_pool. Run() starts `io_threads` threads on the io_context and then waits on
// a condition variable until Stop() was called and every session is gone (or drain_timeout passed),
// then joins the worker pool, whose remaining work may still answer (to closed sessions).
//
// Connection cap: at the cap, the session idle the longest is closed to make room; when none is
// idle, the new connection is closed at once (the client sees EOF/reset rather than hanging in the
// kernel backlog). Accept failures (e.g. EMFILE) are retried after 50 ms and logged at most every
// 10 s.

#include "http/server/server.h"

#include <pthread.h>
#include <utility>  // g++ 12 / C++20: must precede <boost/asio.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "http/server/fd_limit.h"
#include "http/server/session.h"

namespace senderid::http {

using tcp = asio::ip::tcp;

template <>
struct StreamOps<wire::beast::tcp_stream> {
  static constexpr bool kLingers = true;
  static void ExpiresAt(wire::beast::tcp_stream& s, SteadyClock::time_point t) { s.expires_at(t); }
  static void ExpiresAfter(wire::beast::tcp_stream& s, std::chrono::milliseconds d) {
    s.expires_after(d);
  }
  static void ShutdownSend(wire::beast::tcp_stream& s) {
    wire::beast::error_code ec;
    s.socket().shutdown(tcp::socket::shutdown_send, ec);
  }
  static void Close(wire::beast::tcp_stream& s) {
    wire::beast::error_code ec;
    s.socket().shutdown(tcp::socket::shutdown_both, ec);
    s.close();
  }
  static std::string PeerAddress(wire::beast::tcp_stream& s) {
    wire::beast::error_code ec;
    const tcp::endpoint peer = s.socket().remote_endpoint(ec);
    return ec ? std::string("-") : peer.address().to_string();
  }
};

namespace {

using TcpSession = Session<wire::beast::tcp_stream>;
constexpr std::chrono::milliseconds kForceCloseGrace{500};
constexpr int64_t kWarnEverySeconds = 10;

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

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(SteadyClock::now().time_since_epoch())
      .count();
}

}  // namespace

class Server::Impl final : public SessionHost {
 public:
  Impl(ServerOptions options, Handler& handler)
      : options_(std::move(options)),
        handler_(handler),
        budget_(options_.max_body_memory),
        ioc_(std::max(1, options_.io_threads)),
        strand_(asio::make_strand(ioc_)),
        acceptor_(strand_),
        accept_retry_(strand_),
        pool_(static_cast<size_t>(std::max(1, options_.worker_threads))) {
    if (options_.access_log) access_log_ = AccessLogger();
  }

  ~Impl() override {
    Stop();
    // Offloaded work still running answers into a stopped io_context; a task that never returns
    // blocks here — it cannot be interrupted.
    pool_.join();
    // Answers handed over after ioc_ stopped hold their sessions, whose sockets need ioc_: they go
    // before it (handover_ is declared before ioc_, so would outlive it).
    std::vector<std::function<void()>> undelivered;
    {
      std::lock_guard lock(handover_mu_);
      undelivered.swap(handover_);
    }
    undelivered.clear();
    // Members are destroyed next; ioc_ destroys pending handlers and with them the last sessions,
    // which unregister from mu_/sessions_ (declared before ioc_, so still alive).
  }

  std::string Start();
  uint16_t port() const { return port_; }
  size_t max_connections() const { return max_connections_; }
  void Run();
  void Stop();

  // SessionHost
  const ServerOptions& options() const override { return options_; }
  Handler& handler() override { return handler_; }
  bool stopping() const override { return stopping_.load(); }
  spdlog::logger* access_log() const override { return access_log_.get(); }
  BodyBudget& body_budget() override { return budget_; }
  asio::any_io_executor workers() override { return pool_.get_executor(); }
  void HandOver(std::function<void()> deliver) override;
  uint64_t Register(std::weak_ptr<SessionBase> session) override;
  void Unregister(uint64_t id) override;

 private:
  void DoAccept();
  void OnAccept(wire::beast::error_code ec, tcp::socket socket);
  // At the cap: closes the longest-idle session; false when none is idle.
  bool ShedIdle();
  std::vector<std::shared_ptr<SessionBase>> LiveSessions();
  void WarnRateLimited(std::atomic<int64_t>& last, const std::string& text);

  const ServerOptions options_;
  Handler& handler_;
  std::shared_ptr<spdlog::logger> access_log_;
  BodyBudget budget_;
  size_t max_connections_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_requested_ = false;          // guarded by mu_
  SteadyClock::time_point stop_time_;    // guarded by mu_
  uint64_t next_session_id_ = 0;         // guarded by mu_
  std::unordered_map<uint64_t, std::weak_ptr<SessionBase>> sessions_;  // guarded by mu_
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> last_cap_warning_{0};
  std::atomic<int64_t> last_accept_warning_{0};

  // HandOver's batch: what arrived since the task that delivers it was posted.
  std::mutex handover_mu_;
  std::vector<std::function<void()>> handover_;  // guarded by handover_mu_
  bool handover_posted_ = false;                 // guarded by handover_mu_

  asio::io_context ioc_;
  asio::strand<asio::io_context::executor_type> strand_;  // acceptor, retry timer, signals
  tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_;
  std::optional<asio::signal_set> signals_;
  asio::thread_pool pool_;

  bool started_ = false;
  uint16_t port_ = 0;
};

// The ledger's flusher answers a whole group of reads at once; posting each answer would wake an
// I/O thread per answer. The first of a batch posts one task; it delivers everything queued by
// the time it runs.
void Server::Impl::HandOver(std::function<void()> deliver) {
  {
    std::lock_guard lock(handover_mu_);
    handover_.push_back(std::move(deliver));
    if (handover_posted_) return;
    handover_posted_ = true;
  }
  asio::post(ioc_, [this] {
    std::vector<std::function<void()>> batch;
    {
      std::lock_guard lock(handover_mu_);
      batch.swap(handover_);
      handover_posted_ = false;
    }
    for (std::function<void()>& queued : batch) queued();
  });
}

std::string Server::Impl::Start() {
  if (started_) return "server already started";
  max_connections_ =
      ConnectionCap(options_.max_connections, RaiseDescriptorLimit(), options_.worker_threads);
  wire::beast::error_code ec;
  const std::string where = options_.address + ":" + std::to_string(options_.port);
  tcp::resolver resolver(ioc_);
  auto results = resolver.resolve(options_.address, std::to_string(options_.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty())
    return "cannot resolve address " + where + ": " + (ec ? ec.message() : "no address");
  const tcp::endpoint endpoint = results.begin()->endpoint();

  auto fail = [&](const std::string& what) {
    wire::beast::error_code ignored;
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
    signals_->async_wait([this](wire::beast::error_code sec, int signal) {
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
                         [this](wire::beast::error_code ec, tcp::socket socket) {
                           OnAccept(ec, std::move(socket));
                         });
}

void Server::Impl::WarnRateLimited(std::atomic<int64_t>& last, const std::string& text) {
  const int64_t now = NowSeconds();
  int64_t seen = last.load();
  if (now - seen < kWarnEverySeconds || !last.compare_exchange_strong(seen, now)) return;
  spdlog::warn("{}", text);
}

void Server::Impl::OnAccept(wire::beast::error_code ec, tcp::socket socket) {
  if (stopping_ || !acceptor_.is_open()) return;  // the socket, if any, closes with its destructor
  if (ec) {
    // E.g. EMFILE: retry a little later instead of spinning on the error.
    WarnRateLimited(last_accept_warning_, "accept failed: " + ec.message());
    accept_retry_.expires_after(std::chrono::milliseconds(50));
    accept_retry_.async_wait([this](wire::beast::error_code wec) {
      if (!wec && !stopping_) DoAccept();
    });
    return;
  }
  size_t live;
  {
    std::lock_guard lock(mu_);
    live = sessions_.size();
  }
  if (live >= max_connections_ && !ShedIdle()) {
    WarnRateLimited(last_cap_warning_, "max_connections (" + std::to_string(max_connections_) +
                                           ") reached and none idle: closing new connections");
    wire::beast::error_code ignored;
    socket.close(ignored);
  } else {
    std::make_shared<TcpSession>(wire::beast::tcp_stream(std::move(socket)), *this)->Start();
  }
  DoAccept();
}

bool Server::Impl::ShedIdle() {
  std::vector<std::shared_ptr<SessionBase>> live = LiveSessions();
  // Oldest idle first; a session claimed by an earlier accept (or busy meanwhile) is passed over.
  std::sort(live.begin(), live.end(), [](const auto& a, const auto& b) {
    const int64_t x = a->idle_since_ms(), y = b->idle_since_ms();
    return (x != 0 && y == 0) || (x != 0 && y != 0 && x < y);
  });
  for (const auto& session : live) {
    const int64_t since = session->idle_since_ms();
    if (since == 0) return false;
    if (!session->ClaimIdle(since)) continue;
    session->CloseIfIdle();
    return true;
  }
  return false;
}

uint64_t Server::Impl::Register(std::weak_ptr<SessionBase> session) {
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

std::vector<std::shared_ptr<SessionBase>> Server::Impl::LiveSessions() {
  std::vector<std::weak_ptr<SessionBase>> weak;
  {
    std::lock_guard lock(mu_);
    weak.reserve(sessions_.size());
    for (const auto& entry : sessions_) weak.push_back(entry.second);
  }
  // Locked outside mu_: if one of these turns out to be the last owner, ~Session takes mu_.
  std::vector<std::shared_ptr<SessionBase>> live;
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
    stop_time_ = SteadyClock::now();
  }
  cv_.notify_all();
  asio::post(strand_, [this] {
    wire::beast::error_code ignored;
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
      pthread_setname_np(pthread_self(), "http-io");
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
      // A session whose work is still running on the pool stays alive; don't wait for it.
      cv_.wait_for(lock, kForceCloseGrace, [&] { return sessions_.empty(); });
    }
  }
  work.reset();
  ioc_.stop();
  for (auto& t : threads) t.join();
  // The posted close of Stop() may not have run before ioc_.stop(); no I/O thread is left now.
  wire::beast::error_code ignored;
  acceptor_.close(ignored);
  if (signals_) signals_->cancel(ignored);
}

Server::Server(ServerOptions options, Handler& handler)
    : impl_(std::make_unique<Impl>(std::move(options), handler)) {}
Server::~Server() = default;
std::string Server::Start() { return impl_->Start(); }
uint16_t Server::port() const { return impl_->port(); }
size_t Server::max_connections() const { return impl_->max_connections(); }
void Server::Run() { impl_->Run(); }
void Server::Stop() { impl_->Stop(); }

}  // namespace senderid::http
