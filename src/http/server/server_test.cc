// Black-box tests of http::Server over real sockets on 127.0.0.1 (port 0), driven by a small
// blocking POSIX client, in front of a TestHandler on the Admit/Serve contract (server.h): inline
// answers from Serve, blocking ones through Exchange::Offload, "/async" answered from a thread of
// its own. Waits are bounded (poll or condition variables with a deadline); nothing sleeps to
// synchronise. Also: the connection cap's arithmetic (fd_limit.h), table-driven.

#include "http/server/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "http/server/fd_limit.h"

namespace senderid::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  std::string Header(const std::string& name) const {
    auto it = headers.find(Lower(name));
    return it == headers.end() ? "" : it->second;
  }
};

// A blocking client connection; every read waits at most until a deadline.
class Conn {
 public:
  explicit Conn(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      connect_errno_ = errno;
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Conn() {
    if (fd_ >= 0) ::close(fd_);
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  bool connected() const { return fd_ >= 0; }
  int connect_errno() const { return connect_errno_; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one response (Content-Length framed; no body after HEAD). nullopt on EOF, error or
  // timeout.
  std::optional<HttpResponse> Read(std::chrono::milliseconds timeout = 3000ms,
                                   bool head_request = false) {
    const auto deadline = Clock::now() + timeout;
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!Fill(deadline)) return std::nullopt;
    HttpResponse r;
    std::istringstream head(buf_.substr(0, end));
    std::string line;
    std::getline(head, line);
    if (line.rfind("HTTP/1.", 0) != 0 || line.size() < 12) return std::nullopt;
    r.status = std::stoi(line.substr(9, 3));
    while (std::getline(head, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[Lower(line.substr(0, colon))] = value;
    }
    buf_.erase(0, end + 4);
    size_t length = r.headers.count("content-length") && !head_request
                        ? std::stoul(r.headers["content-length"])
                        : 0;
    while (buf_.size() < length)
      if (!Fill(deadline)) return std::nullopt;
    r.body = buf_.substr(0, length);
    buf_.erase(0, length);
    return r;
  }

  // True if the peer closes the connection (EOF or reset) within `timeout`; data is discarded.
  bool ClosedWithin(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Fill(deadline)) buf_.clear();
    return closed_;
  }

  // Waits up to `timeout` for readability; true if the peer closed meanwhile.
  bool PollClosed(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char c[4096];
    ssize_t n = ::recv(fd_, c, sizeof c, 0);
    return n <= 0;
  }

 private:
  // Reads more bytes into buf_; false on EOF/error (closed_ = true) or when the deadline passes.
  bool Fill(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    buf_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  int connect_errno_ = 0;
  bool closed_ = false;
  std::string buf_;
};

// Lets a test hold requests inside their offloaded work until it says so.
class Gate {
 public:
  void Enter() {
    std::unique_lock lock(mu_);
    ++entered_;
    cv_.notify_all();
    cv_.wait_for(lock, 5s, [&] { return released_; });
  }
  // Waits until `n` requests are inside.
  bool WaitEntered(int n = 1) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 3s, [&] { return entered_ >= n; });
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int entered_ = 0;
  bool released_ = false;
};

Response Text(std::string body) {
  Response r;
  r.content_type = "text/plain";
  r.body = std::move(body);
  return r;
}

// Admit: a body limit of 1024 for targets under /small, 1 MiB otherwise; throws on /admit-throw.
// The route it hands back names the request line, and Serve checks it got that very route back.
// Serve answers inline: /healthz, /serve-throw (throws in Serve), /twice (answers twice), /async
// (from another thread). Everything else is offloaded to the worker pool: /throw (throws there),
// /nocontent (a 204 with a body), /block (waits at the gate), /where (says whether it ran on
// Serve's thread), and the rest echoes "METHOD TARGET BODY_LENGTH X-TEST REQUEST_ID".
class TestHandler : public Handler {
 public:
  ~TestHandler() override { JoinThreads(); }

  Admission Admit(std::string_view method, std::string_view target) override {
    if (target.starts_with("/admit-throw")) throw std::runtime_error("admit boom");
    Admission a;
    a.body_limit = target.starts_with("/small") ? 1024 : 1024 * 1024;
    a.route.outcome = RouteOutcome::kFound;
    a.route.param = std::string(method) + " " + std::string(target);
    {
      std::lock_guard lock(mu_);
      ++admitted_;
    }
    cv_.notify_all();
    return a;
  }

  void Serve(const ExchangePtr& exchange, const RouteMatch& route) override {
    const Request& request = exchange->request();
    EXPECT_EQ(route.param, request.method + " " + request.target) << "routed once, in Admit";
    const std::string& target = request.target;
    if (target == "/healthz") return exchange->Respond(Text("ok"));
    if (target == "/serve-throw") throw std::runtime_error("boom");
    if (target == "/twice") {
      exchange->Respond(Text("first"));
      exchange->Respond(Text("second"));  // dropped: exactly once
      return;
    }
    if (target == "/async") {
      // Answered from another thread, the way the API answers after the ledger's group commit.
      std::lock_guard lock(mu_);
      threads_.emplace_back([exchange] {
        exchange->Respond(Text("async " + exchange->request().request_id));
      });
      return;
    }
    const std::thread::id serve_thread = std::this_thread::get_id();
    exchange->Offload([this, exchange, serve_thread] {
      exchange->Respond(Work(exchange->request(), serve_thread));
    });
  }

  // On a worker.
  Response Work(const Request& request, std::thread::id serve_thread) {
    if (request.target == "/throw") throw std::runtime_error("boom");
    if (request.target == "/nocontent") {
      Response r;
      r.status = 204;
      r.body = "a body a 204 must not have";
      return r;
    }
    if (request.target == "/where")
      return Text(std::this_thread::get_id() == serve_thread ? "serve thread" : "worker");
    if (request.target == "/block") gate.Enter();
    const std::string* test_header = request.FindHeader("x-test");
    Response r = Text(request.method + " " + request.target + " " +
                      std::to_string(request.body.size()) + " " +
                      (test_header ? *test_header : "-") + " " + request.request_id);
    r.headers.push_back({"X-Echo", "yes"});
    r.log_account = "123";
    return r;
  }

  // Waits until Admit has been called `n` times in all.
  bool WaitAdmitted(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 3s, [&] { return admitted_ >= n; });
  }
  int admitted() {
    std::lock_guard lock(mu_);
    return admitted_;
  }

  void JoinThreads() {
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mu_);
      threads.swap(threads_);
    }
    for (auto& t : threads) t.join();
  }

  Gate gate;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int admitted_ = 0;
  std::vector<std::thread> threads_;
};

ServerOptions TestOptions() {
  ServerOptions o;
  o.port = 0;
  o.io_threads = 2;
  o.worker_threads = 4;
  o.request_timeout = 2000ms;
  o.idle_timeout = 2000ms;
  o.write_timeout = 2000ms;
  o.drain_timeout = 2000ms;
  o.access_log = false;
  return o;
}

// Starts a server on a background thread; stops it (bounded) at the end of the test.
class Running {
 public:
  explicit Running(ServerOptions options = TestOptions()) : server_(std::move(options), handler) {
    std::string error = server_.Start();
    EXPECT_EQ(error, "");
    if (!error.empty()) return;
    thread_ = std::thread([this] {
      server_.Run();
      done_.set_value();
    });
  }
  ~Running() {
    handler.JoinThreads();  // an answer from another thread comes before the server goes
    server_.Stop();
    if (thread_.joinable()) {
      EXPECT_TRUE(RunReturnedWithin(5s));
      thread_.join();
    }
  }

  bool RunReturnedWithin(std::chrono::milliseconds timeout) {
    return returned_.wait_for(timeout) == std::future_status::ready;
  }
  uint16_t port() const { return server_.port(); }
  Server& server() { return server_; }

  TestHandler handler;

 private:
  Server server_;
  std::promise<void> done_;
  std::shared_future<void> returned_ = done_.get_future().share();
  std::thread thread_;
};

std::string Get(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
}

bool IsRequestId(const std::string& s) {
  if (s.size() != 16) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) return false;
  return true;
}

void ExpectError(const std::optional<HttpResponse>& r, int status, const std::string& code) {
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, status);
  EXPECT_NE(r->body.find(R"({"errorCode":")" + code + R"(","errorMessage":")"), std::string::npos)
      << r->body;
  EXPECT_TRUE(IsRequestId(r->Header("X-Request-Id")));
  EXPECT_EQ(r->Header("Connection"), "close");
}

TEST(ServerTest, BasicGet) {
  Running s;
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/hello?x=1", "X-Test: abc\r\n")));
  auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  const std::string id = r->Header("X-Request-Id");
  EXPECT_TRUE(IsRequestId(id)) << id;
  EXPECT_EQ(r->body, "GET /hello?x=1 0 abc " + id);  // Request.request_id == X-Request-Id
  EXPECT_EQ(r->Header("Server"), "senderid");
  EXPECT_EQ(r->Header("Content-Type"), "text/plain");
  EXPECT_EQ(r->Header("Content-Length"), std::to_string(r->body.size()));
  EXPECT_EQ(r->Header("X-Echo"), "yes");
}

TEST(ServerTest, InlineHandler) {
  Running s;
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/healthz")));
  auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ok");
  EXPECT_TRUE(IsRequestId(r->Header("X-Request-Id")));
}

TEST(ServerTest, KeepAliveTwoRequests) {
  Running s;
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/one")));
  auto r1 = c.Read();
  ASSERT_TRUE(r1.has_value());
  ASSERT_TRUE(c.Send("POST /two HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"));
  auto r2 = c.Read();
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(r1->body.substr(0, 9), "GET /one ");
  EXPECT_EQ(r2->body.substr(0, 12), "POST /two 3 ");
  EXPECT_NE(r1->Header("X-Request-Id"), r2->Header("X-Request-Id"));
}

TEST(ServerTest, PipelinedRequestsAnsweredInOrder) {
  Running s;
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/a") + "POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello" +
                     Get("/healthz")));
  auto a = c.Read();
  auto b = c.Read();
  auto h = c.Read();
  ASSERT_TRUE(a && b && h);
  EXPECT_EQ(a->body.substr(0, 7), "GET /a ");
  EXPECT_EQ(b->body.substr(0, 10), "POST /b 5 ");
  EXPECT_EQ(h->body, "ok");
}

TEST(ServerTest, Http10WithoutKeepAliveCloses) {
  Running s;
  Conn c(s.port());
  ASSERT_TRUE(c.Send("GET /old HTTP/1.0\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(c.ClosedWithin(2000ms));
}

TEST(ServerTest, ContentLengthOverLimitAnsweredBeforeBody) {
  Running s;
  Conn c(s.port());
  // Only the header is sent: the answer must not wait for the body.
  ASSERT_TRUE(c.Send("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n"));
  ExpectError(c.Read(), 413, "PayloadTooLarge");
  EXPECT_TRUE(c.ClosedWithin(3000ms));
}

TEST(ServerTest, OversizedBodySentEagerlyStillGets413) {
  // A client that writes the whole body before reading must still see the 413, not a reset.
  Running s;
  Conn c(s.port());
  ASSERT_TRUE(c.Send("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 300000\r\n\r\n" +
                     std::string(300000, 'x')));
  ExpectError(c.Read(), 413, "PayloadTooLarge");
  EXPECT_TRUE(c.ClosedWithin(3000ms));
}

TEST(ServerTest, ExpectContinue) {
  Running s;
  Conn c(s.port());
  ASSERT_TRUE(c.Send(
      "PUT /small HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n"));
  auto cont = c.Read();
  ASSERT_TRUE(cont.has_value());
  EXPECT_EQ(cont->status, 100);
  ASSERT_TRUE(c.Send("0123456789"));
  auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.substr(0, 14), "PUT /small 10 ");
}

TEST(ServerTest, ChunkedBodyWithinLimit) {
  Running s;
  Conn c(s.port());
  ASSERT_TRUE(c.Send("POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.substr(0, 15), "POST /small 11 ");
}

TEST(ServerTest, ChunkedBodyOverLimit) {
  Running s;
  Conn c(s.port());
  const std::string chunk = "200\r\n" + std::string(0x200, 'x') + "\r\n";
  ASSERT_TRUE(c.Send("POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
                     chunk + chunk + chunk));  // 1536 > 1024; no last chunk
  ExpectError(c.Read(), 413, "PayloadTooLarge");
  EXPECT_TRUE(c.ClosedWithin(3000ms));
}

TEST(ServerTest, HugeHeader) {
  Running s;
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/x", "X-Big: " + std::string(20000, 'a') + "\r\n")));
  ExpectError(c.Read(), 431, "RequestHeaderFieldsTooLarge");
  EXPECT_TRUE(c.ClosedWithin(3000ms));
}

TEST(ServerTest, AmbiguousFramingRefused) {
  Running s;
  const char* cases[] = {
      // Content-Length with Transfer-Encoding, both orders (Beast refuses these itself).
      "POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
      "0\r\n\r\n",
      "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
      "0\r\n\r\n",
      // Beast 1.74 lets these through; the server must not.
      "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: identity\r\nContent-Length: 5\r\n\r\n"
      "hello",
      "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n",
      "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
      "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
      // Plain garbage.
      "GET / FOOBAR/1.1\r\nHost: t\r\n\r\n",
      "GARBAGE\r\n\r\n",
      "GET / HTTP/1.1\r\nX: \x01\r\n\r\n",
  };
  for (const char* request : cases) {
    SCOPED_TRACE(request);
    Conn c(s.port());
    ASSERT_TRUE(c.Send(request));
    auto r = c.Read();
    ExpectError(r, 400, "ValidationError");
    if (r) {
      EXPECT_NE(r->body.find("malformed HTTP request"), std::string::npos);
    }
    EXPECT_TRUE(c.ClosedWithin(3000ms));
  }
}

TEST(ServerTest, HandlerExceptionIsInternalError) {
  Running s;
  // Thrown inside offloaded work, and inside Serve itself.
  for (const char* target : {"/throw", "/serve-throw"}) {
    SCOPED_TRACE(target);
    Conn c(s.port());
    ASSERT_TRUE(c.Send(Get(target)));
    auto r = c.Read();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 500);
    const std::string id = r->Header("X-Request-Id");
    EXPECT_TRUE(IsRequestId(id));
    EXPECT_EQ(r->body,
              "{\"errorCode\":\"InternalError\",\"errorMessage\":\"internal error (request id " +
                  id + ")\"}");
    EXPECT_EQ(r->body.find("boom"), std::string::npos);
    EXPECT_NE(r->Header("Connection"), "close");
    // The connection stays usable.
    ASSERT_TRUE(c.Send(Get("/healthz")));
    auto h = c.Read();
    ASSERT_TRUE(h.has_value());
    EXPECT_EQ(h->status, 200);
  }
}

TEST(ServerTest, AdmitExceptionIsInternalErrorAndCloses) {
  Running s;
  Conn c(s.port());
  // A body follows the header: after a throwing Admit nobody knows its limit, so the connection ends.
  ASSERT_TRUE(c.Send("POST /admit-throw HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc" +
                     Get("/healthz")));
  auto r = c.Read();
  ExpectError(r, 500, "InternalError");
  if (r) {
    EXPECT_EQ(r->body.find("admit boom"), std::string::npos);
  }
  EXPECT_TRUE(c.ClosedWithin(3000ms));  // the pipelined /healthz is not answered
}

TEST(ServerTest, SecondAnswerIsDropped) {
  Running s;
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/twice") + Get("/healthz")));
  auto first = c.Read();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->body, "first");
  auto next = c.Read();  // the next request's own answer, not "second"
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "ok");
  EXPECT_NE(next->Header("X-Request-Id"), first->Header("X-Request-Id"));
}

TEST(ServerTest, OffloadedWorkRunsOnAWorker) {
  Running s;
  Conn c(s.port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.Send(Get("/where")));
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "worker");
  }
}

TEST(ServerTest, AdmitRunsOnceWhenTheHeaderArrives) {
  Running s;
  Conn c(s.port());
  // Only the header: Admit runs before any of the body is there.
  ASSERT_TRUE(c.Send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\n"));
  ASSERT_TRUE(s.handler.WaitAdmitted(1));
  ASSERT_TRUE(c.Send("body"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body.rfind("POST /x 4 ", 0), 0u) << r->body;
  EXPECT_EQ(s.handler.admitted(), 1);  // and Serve was handed that admission's route
}

TEST(ServerTest, SlowlorisClosedAfterRequestTimeout) {
  ServerOptions o = TestOptions();
  o.request_timeout = 300ms;
  Running s(o);
  // A trickled header, and a trickled body after a prompt header: one deadline covers both.
  for (const char* prefix : {"GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ",
                             "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n"}) {
    SCOPED_TRACE(prefix);
    Conn slow(s.port());
    const auto start = Clock::now();
    ASSERT_TRUE(slow.Send(prefix));
    bool closed = false;
    bool fast_checked = false;
    while (!closed && Clock::now() - start < 3s) {
      slow.Send("a");  // one byte every ~30 ms: every read makes progress, the deadline holds
      closed = slow.PollClosed(30ms);
      if (!fast_checked && Clock::now() - start > 90ms) {
        fast_checked = true;
        Conn fast(s.port());
        const auto t0 = Clock::now();
        ASSERT_TRUE(fast.Send(Get("/fast")));
        auto r = fast.Read();
        ASSERT_TRUE(r.has_value());
        EXPECT_EQ(r->status, 200);
        EXPECT_LT(Clock::now() - t0, 200ms);  // not stuck behind the slow one
      }
    }
    const auto elapsed = Clock::now() - start;
    EXPECT_TRUE(closed);
    EXPECT_GE(elapsed, 250ms);
    EXPECT_LT(elapsed, 1500ms);
  }
}

TEST(ServerTest, IdleKeepAliveConnectionClosed) {
  ServerOptions o = TestOptions();
  o.idle_timeout = 200ms;
  Running s(o);
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/x")));
  ASSERT_TRUE(c.Read().has_value());
  const auto start = Clock::now();
  EXPECT_TRUE(c.ClosedWithin(2000ms));
  EXPECT_GE(Clock::now() - start, 150ms);
}

TEST(ServerTest, GracefulStop) {
  Running s;
  Conn idle(s.port());  // keep-alive connection between requests: closed by Stop
  ASSERT_TRUE(idle.Send(Get("/x")));
  ASSERT_TRUE(idle.Read().has_value());

  Conn busy(s.port());
  ASSERT_TRUE(busy.Send(Get("/block")));
  ASSERT_TRUE(s.handler.gate.WaitEntered());

  s.server().Stop();

  // New connections are refused once the acceptor is closed.
  bool refused = false;
  for (auto deadline = Clock::now() + 2s; !refused && Clock::now() < deadline;) {
    Conn probe(s.port());
    refused = !probe.connected() || probe.ClosedWithin(100ms);
  }
  EXPECT_TRUE(refused);
  EXPECT_TRUE(idle.ClosedWithin(2000ms));
  EXPECT_FALSE(s.RunReturnedWithin(50ms));  // still draining the blocked request

  s.handler.gate.Release();
  auto r = busy.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.substr(0, 11), "GET /block ");
  EXPECT_EQ(r->Header("Connection"), "close");
  EXPECT_TRUE(busy.ClosedWithin(2000ms));
  EXPECT_TRUE(s.RunReturnedWithin(2000ms));
}

TEST(ServerTest, DrainTimeoutForcesClose) {
  ServerOptions o = TestOptions();
  o.drain_timeout = 200ms;
  Running s(o);
  Conn busy(s.port());
  ASSERT_TRUE(busy.Send(Get("/block")));
  ASSERT_TRUE(s.handler.gate.WaitEntered());
  const auto start = Clock::now();
  s.server().Stop();
  EXPECT_TRUE(s.RunReturnedWithin(3000ms));
  EXPECT_LT(Clock::now() - start, 1500ms);
  EXPECT_TRUE(busy.ClosedWithin(1000ms));
  s.handler.gate.Release();  // lets ~Server join the worker pool
}

TEST(ServerTest, SigtermStops) {
  ServerOptions o = TestOptions();
  o.handle_signals = true;
  Running s(o);
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/x")));
  ASSERT_TRUE(c.Read().has_value());
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  EXPECT_TRUE(s.RunReturnedWithin(3000ms));
}

// At the cap with no connection idle (every one inside a request), a new connection is closed at
// once; once they are answered and idle, a new one is served again (by shedding an idle one).
TEST(ServerTest, MaxConnectionsWhenNoneIsIdle) {
  ServerOptions o = TestOptions();
  o.max_connections = 2;
  Running s(o);
  EXPECT_EQ(s.server().max_connections(), 2u);
  Conn first(s.port());
  Conn second(s.port());
  for (Conn* c : {&first, &second}) ASSERT_TRUE(c->Send(Get("/block")));
  ASSERT_TRUE(s.handler.gate.WaitEntered(2));
  Conn third(s.port());
  EXPECT_TRUE(third.ClosedWithin(2000ms));

  s.handler.gate.Release();
  for (Conn* c : {&first, &second}) {
    auto r = c->Read();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 200);
  }
  bool served = false;
  for (auto deadline = Clock::now() + 2s; !served && Clock::now() < deadline;) {
    Conn next(s.port());
    served = next.Send(Get("/x")) && next.Read(500ms).has_value();
  }
  EXPECT_TRUE(served);
}

// A new connection's GET `target` answered within 2 s. A connection counts as idle once the server
// waits for its next request, which is a moment after the client has read the previous answer:
// until then, at the cap, a new connection may still be refused.
bool ServedOnANewConnection(uint16_t port, const std::string& target) {
  for (auto deadline = Clock::now() + 2s; Clock::now() < deadline;) {
    Conn c(port);
    if (!c.Send(Get(target))) continue;
    auto r = c.Read(500ms);
    if (r && r->status == 200 && r->body.rfind("GET " + target + " ", 0) == 0) return true;
  }
  return false;
}

// At the cap, the connection idle the longest is closed to admit the new one.
TEST(ServerTest, ShedsTheLongestIdleConnection) {
  ServerOptions o = TestOptions();
  o.max_connections = 2;
  Running s(o);
  Conn first(s.port());
  Conn second(s.port());
  for (Conn* c : {&first, &second}) {
    ASSERT_TRUE(c->Send(Get("/x")));
    ASSERT_TRUE(c->Read().has_value());
    // Idle times are kept in milliseconds: let the two differ.
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_TRUE(ServedOnANewConnection(s.port(), "/third"));
  EXPECT_TRUE(first.ClosedWithin(2000ms)) << "the oldest idle connection goes";
  // The younger idle one is still served.
  ASSERT_TRUE(second.Send(Get("/second")));
  auto again = second.Read();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->body.rfind("GET /second ", 0), 0u);
}

// A connection in the middle of a header is not idle: an idle one is shed instead, even if it
// came later.
TEST(ServerTest, ConnectionReadingAHeaderIsNotShed) {
  ServerOptions o = TestOptions();
  o.max_connections = 2;
  Running s(o);
  Conn reading(s.port());
  ASSERT_TRUE(reading.Send("GET /slow HTTP/1.1\r\nHost: t\r\n"));  // header not finished
  Conn idle(s.port());
  ASSERT_TRUE(idle.Send(Get("/x")));
  ASSERT_TRUE(idle.Read().has_value());
  EXPECT_TRUE(ServedOnANewConnection(s.port(), "/third"));
  EXPECT_TRUE(idle.ClosedWithin(2000ms));
  ASSERT_TRUE(reading.Send("\r\n"));
  auto r = reading.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body.rfind("GET /slow ", 0), 0u);
}

// The cap in force is what fd_limit.h derives from the descriptor limit (raised at Start).
TEST(ServerTest, ConnectionCapFollowsTheDescriptorLimit) {
  ServerOptions o = TestOptions();
  o.max_connections = 100'000'000;
  Running s(o);
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  const size_t soft = limit.rlim_cur == RLIM_INFINITY ? static_cast<size_t>(1) << 20
                                                      : static_cast<size_t>(limit.rlim_cur);
  EXPECT_EQ(s.server().max_connections(), ConnectionCap(o.max_connections, soft, o.worker_threads));
  EXPECT_LT(s.server().max_connections(), soft);
}

TEST(ServerTest, StartReportsAddressInUse) {
  Running first;
  ServerOptions o = TestOptions();
  o.port = first.port();
  TestHandler handler;
  Server second(o, handler);
  EXPECT_EQ(second.Start(), "address already in use: 127.0.0.1:" + std::to_string(first.port()));
  second.Stop();  // and destruction: both safe after a failed Start
}

TEST(ServerTest, AccessLogLine) {
  std::ostringstream out;
  spdlog::drop("access");
  auto logger =
      std::make_shared<spdlog::logger>("access", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  logger->set_pattern("%v");
  spdlog::register_logger(logger);
  std::string id;
  {
    ServerOptions o = TestOptions();
    o.access_log = true;
    Running s(o);
    Conn c(s.port());
    ASSERT_TRUE(c.Send("POST /small/path?secret=1 HTTP/1.1\r\nHost: t\r\nX-Test: hidden\r\n"
                       "Content-Length: 4\r\n\r\nbody"));
    auto r = c.Read();
    ASSERT_TRUE(r.has_value());
    id = r->Header("X-Request-Id");
  }  // Run has returned: the line is written
  spdlog::drop("access");
  const std::string line = out.str();
  EXPECT_NE(line.find("id=" + id + " method=POST path=/small/path status=200 ms="),
            std::string::npos)
      << line;
  EXPECT_NE(line.find(" account=123 error=-"), std::string::npos) << line;
  EXPECT_EQ(line.find("secret"), std::string::npos);
  EXPECT_EQ(line.find("hidden"), std::string::npos);
  EXPECT_EQ(line.find("body"), std::string::npos);
}

TEST(ServerTest, HeadAnswerHasNoBody) {
  Running s;
  Conn c(s.port());
  // Pipelined: a body after the HEAD answer would be read as the start of the GET's answer.
  ASSERT_TRUE(c.Send("HEAD /x HTTP/1.1\r\nHost: a\r\n\r\nGET /y HTTP/1.1\r\nHost: a\r\n\r\n"));
  auto head = c.Read(3000ms, /*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_NE(std::stoul(head->Header("content-length")), 0u);  // the length a GET would get
  auto get = c.Read();
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body.rfind("GET /y 0", 0), 0u) << get->body;
}

TEST(ServerTest, NoContentWithBodyBecomesInternalError) {
  Running s;
  Conn c(s.port());
  ASSERT_TRUE(c.Send("GET /nocontent HTTP/1.1\r\nHost: a\r\n\r\n"));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_NE(r->body.find("InternalError"), std::string::npos);
}

TEST(ServerTest, AsyncAnswerFromAnotherThread) {
  Running s;
  Conn c(s.port());
  ASSERT_TRUE(c.Send("GET /async HTTP/1.1\r\nHost: a\r\n\r\nGET /z HTTP/1.1\r\nHost: a\r\n\r\n"));
  auto first = c.Read();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->body, "async " + first->Header("x-request-id"));
  auto second = c.Read();  // in order, after the asynchronous one
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body.rfind("GET /z", 0), 0u);
}

// ---------------------------------------------------------------------------------------------
// max_body_memory: request bodies held at once, over all connections

std::string Post(const std::string& target, size_t length) {
  return "POST " + target + " HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(length) +
         "\r\n\r\n";
}

void ExpectBodyMemoryExhausted(const std::optional<HttpResponse>& r) {
  ExpectError(r, 503, "ServiceUnavailable");
  if (!r) return;
  EXPECT_EQ(r->Header("Retry-After"), "1");
  EXPECT_EQ(r->body, "{\"errorCode\":\"ServiceUnavailable\",\"errorMessage\":\"the service is "
                     "temporarily unavailable (request id " +
                         r->Header("X-Request-Id") + ")\"}");
}

ServerOptions BudgetOptions(size_t max_body_memory) {
  ServerOptions o = TestOptions();
  o.max_body_memory = max_body_memory;
  return o;
}

// The header of a request that asks for "100 Continue": the server sends it after the
// reservation, so reading it tells the test that the budget is taken.
std::string PostExpecting(const std::string& target, const std::string& framing) {
  return "POST " + target + " HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n" + framing + "\r\n";
}

void ExpectContinue(Conn& c) {
  auto cont = c.Read();
  ASSERT_TRUE(cont.has_value());
  EXPECT_EQ(cont->status, 100);
}

// A request on a fresh connection answered 200 within `timeout`. The budget is given back once the
// answer is written, which may be a moment after the client has read it: a new connection may
// still see it taken for that moment. (On the same connection the next request is read only after
// that, so there the tests check at once.)
bool EventuallyServed(uint16_t port, const std::string& request,
                      std::chrono::milliseconds timeout = 2000ms) {
  for (auto deadline = Clock::now() + timeout; Clock::now() < deadline;) {
    Conn c(port);
    if (!c.Send(request)) continue;
    auto r = c.Read(500ms);
    if (r && r->status == 200) return true;
  }
  return false;
}

// A request's Content-Length is reserved when its header arrives, before its body does.
TEST(ServerBodyMemoryTest, RequestThatDoesNotFitIsAnswered503) {
  Running s(BudgetOptions(1000));
  Conn holder(s.port());
  ASSERT_TRUE(holder.Send(PostExpecting("/x", "Content-Length: 600\r\n")));
  ExpectContinue(holder);  // 600 bytes of the budget are taken, the body not sent yet

  Conn late(s.port());
  ASSERT_TRUE(late.Send(Post("/x", 600) + std::string(600, 'b')));
  ExpectBodyMemoryExhausted(late.Read());
  EXPECT_TRUE(late.ClosedWithin(3000ms));

  // What fits in what is left is served; so is a request without a body.
  Conn small(s.port());
  ASSERT_TRUE(small.Send(Post("/x", 400) + std::string(400, 's') + Get("/healthz")));
  auto fits = small.Read();
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->status, 200);
  EXPECT_EQ(fits->body.rfind("POST /x 400 ", 0), 0u);
  auto bodiless = small.Read();
  ASSERT_TRUE(bodiless);
  EXPECT_EQ(bodiless->body, "ok");

  // The holder's body arrives; it is answered, and its reservation is given back: its next
  // request of 600 fits (with the first 600 still held it would not).
  ASSERT_TRUE(holder.Send(std::string(600, 'h')));
  auto held = holder.Read();
  ASSERT_TRUE(held);
  EXPECT_EQ(held->status, 200);
  EXPECT_EQ(held->body.rfind("POST /x 600 ", 0), 0u);
  ASSERT_TRUE(holder.Send(Post("/x", 600) + std::string(600, 'H')));
  auto next = holder.Read();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200) << "the budget was released after the answer";

  EXPECT_TRUE(EventuallyServed(s.port(), Post("/x", 1000) + std::string(1000, 'l')))
      << "nothing held: the whole budget";
}

// The budget is held until the answer, also while the handler works.
TEST(ServerBodyMemoryTest, HeldWhileTheHandlerWorks) {
  Running s(BudgetOptions(1000));
  Conn busy(s.port());
  ASSERT_TRUE(busy.Send("POST /block HTTP/1.1\r\nHost: t\r\nContent-Length: 700\r\n\r\n" +
                        std::string(700, 'x')));
  ASSERT_TRUE(s.handler.gate.WaitEntered());

  Conn other(s.port());
  ASSERT_TRUE(other.Send(Post("/x", 301) + std::string(301, 'o')));
  ExpectBodyMemoryExhausted(other.Read());
  Conn fits(s.port());
  ASSERT_TRUE(fits.Send(Post("/x", 300) + std::string(300, 'f')));
  auto exactly = fits.Read();
  ASSERT_TRUE(exactly);
  EXPECT_EQ(exactly->status, 200) << "exactly what is left fits";

  s.handler.gate.Release();
  auto r = busy.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.rfind("POST /block 700 ", 0), 0u);

  // Keep-alive on the same connection: 700 again fits only if the first 700 were given back.
  ASSERT_TRUE(busy.Send(Post("/x", 700) + std::string(700, 'y')));
  auto again = busy.Read();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_TRUE(EventuallyServed(s.port(), Post("/x", 1000) + std::string(1000, 'f')));
}

// A chunked body has no length up front: it reserves its route's whole limit.
TEST(ServerBodyMemoryTest, ChunkedBodyReservesTheRouteLimit) {
  Running s(BudgetOptions(1500));
  Conn chunked(s.port());
  ASSERT_TRUE(chunked.Send(PostExpecting("/small", "Transfer-Encoding: chunked\r\n")));
  ExpectContinue(chunked);  // 1024 reserved, 476 left

  Conn other(s.port());
  ASSERT_TRUE(other.Send(Post("/x", 477) + std::string(477, 'o')));
  ExpectBodyMemoryExhausted(other.Read());
  Conn fits(s.port());
  ASSERT_TRUE(fits.Send(Post("/x", 476) + std::string(476, 'f')));
  auto exactly = fits.Read();
  ASSERT_TRUE(exactly);
  EXPECT_EQ(exactly->status, 200);

  ASSERT_TRUE(chunked.Send("5\r\nhello\r\n0\r\n\r\n"));
  auto r = chunked.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.rfind("POST /small 5 ", 0), 0u);
  // The whole budget on the same connection: the chunked reservation was given back.
  ASSERT_TRUE(chunked.Send(Post("/x", 1500) + std::string(1500, 'a')));
  auto whole = chunked.Read();
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->status, 200);
}

// A body larger than the whole budget (but within its route's limit) never fits; one over its
// route's limit is 413, checked first.
TEST(ServerBodyMemoryTest, BodyLargerThanTheBudget) {
  Running s(BudgetOptions(1000));
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Post("/x", 1001)));  // the answer does not wait for the body
  ExpectBodyMemoryExhausted(c.Read());
  EXPECT_TRUE(c.ClosedWithin(3000ms));
  Conn over(s.port());
  ASSERT_TRUE(over.Send(Post("/small", 5000)));
  ExpectError(over.Read(), 413, "PayloadTooLarge");
  // A chunked request whose route limit exceeds the budget cannot be taken at all.
  Conn chunked(s.port());
  ASSERT_TRUE(chunked.Send("POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "5\r\nhello\r\n0\r\n\r\n"));
  ExpectBodyMemoryExhausted(chunked.Read());
}

// Error answers give back what they held (or never take anything): the budget stays whole.
TEST(ServerBodyMemoryTest, ErrorAnswersReleaseTheBudget) {
  Running s(BudgetOptions(2000));
  const std::string chunk = "200\r\n" + std::string(0x200, 'x') + "\r\n";
  for (int i = 0; i < 3; ++i) {
    Conn refused(s.port());
    ASSERT_TRUE(refused.Send(Post("/x", 3000)));
    ExpectBodyMemoryExhausted(refused.Read());
    Conn too_large(s.port());
    ASSERT_TRUE(too_large.Send(Post("/small", 1025) + std::string(1025, 't')));
    ExpectError(too_large.Read(), 413, "PayloadTooLarge");
    // Reserves 1024, then its body runs over the limit: 413.
    Conn chunked_over(s.port());
    ASSERT_TRUE(chunked_over.Send(
        "POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk +
        chunk));
    ExpectError(chunked_over.Read(), 413, "PayloadTooLarge");
    // Reserves 500 and sends half of it, then goes.
    {
      Conn gone(s.port());
      ASSERT_TRUE(gone.Send(PostExpecting("/x", "Content-Length: 500\r\n")));
      ExpectContinue(gone);
      ASSERT_TRUE(gone.Send(std::string(250, 'g')));
    }
  }
  EXPECT_TRUE(EventuallyServed(s.port(), Post("/x", 2000) + std::string(2000, 'c')));
}

// ---------------------------------------------------------------------------------------------
// fd_limit.h

TEST(ConnectionCapTest, Table) {
  struct Case {
    size_t requested;
    size_t descriptor_limit;
    int worker_threads;
    size_t want;
  };
  // Headroom: 64 for the process plus 4 per worker (at least one worker); never below 16.
  const std::vector<Case> cases = {
      {10000, 1024, 16, 1024 - 64 - 4 * 16},  // systemd's default soft limit
      {10000, 1 << 20, 16, 10000},             // plenty: the request stands
      {100, 1024, 16, 100},
      {10000, 65536, 16, 10000},
      {100000, 65536, 16, 65536 - 128},
      {10000, 1024, 1, 1024 - 68},
      {10000, 1024, 0, 1024 - 68},   // no workers counts as one
      {10000, 1024, -5, 1024 - 68},
      {10000, 145, 16, 17},          // just above headroom + floor
      {10000, 144, 16, 16},          // at headroom + floor: the floor
      {10000, 100, 16, 16},          // below the headroom: still the floor
      {10000, 0, 16, 16},
      {10, 100, 16, 10},             // a cap asked below the floor stays as asked
      {1, 1 << 20, 16, 1},
      {0, 1024, 16, 0},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ConnectionCap(c.requested, c.descriptor_limit, c.worker_threads), c.want)
        << c.requested << " requested, limit " << c.descriptor_limit << ", " << c.worker_threads
        << " workers";
  }
}

TEST(ConnectionCapTest, NeverMoreThanAskedOrThanFits) {
  for (size_t limit : {0ul, 16ul, 100ul, 200ul, 1024ul, 4096ul, 1ul << 20}) {
    for (int workers : {1, 2, 16, 64}) {
      for (size_t requested : {1ul, 16ul, 500ul, 10000ul, 1ul << 30}) {
        const size_t cap = ConnectionCap(requested, limit, workers);
        const size_t headroom = 64 + 4 * static_cast<size_t>(workers);
        EXPECT_LE(cap, requested);
        EXPECT_GE(cap, std::min<size_t>(requested, 16));
        if (cap > 16) {
          EXPECT_LE(cap + headroom, limit) << limit << " " << workers;
        }
      }
    }
  }
}

TEST(RaiseDescriptorLimitTest, ReturnsTheSoftLimitInForce) {
  rlimit before{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &before), 0);
  const size_t raised = RaiseDescriptorLimit();
  rlimit after{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &after), 0);
  if (after.rlim_cur == RLIM_INFINITY) {
    EXPECT_EQ(raised, static_cast<size_t>(1) << 20);
  } else {
    EXPECT_EQ(raised, static_cast<size_t>(after.rlim_cur));
    EXPECT_GE(after.rlim_cur, before.rlim_cur);
  }
  EXPECT_EQ(after.rlim_max, before.rlim_max);
  EXPECT_EQ(RaiseDescriptorLimit(), raised) << "idempotent";
}
}  // namespace

}  // namespace senderid::http
