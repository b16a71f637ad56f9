// Black-box tests of http::Server over real sockets on 127.0.0.1 (port 0), driven by a small
// blocking POSIX client. Waits are bounded (poll with a deadline); nothing sleeps to synchronise.

#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <future>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

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

// Lets a test hold a request inside Handle until it says so.
class Gate {
 public:
  void Enter() {
    std::unique_lock lock(mu_);
    entered_ = true;
    cv_.notify_all();
    cv_.wait_for(lock, 5s, [&] { return released_; });
  }
  bool WaitEntered() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 3s, [&] { return entered_; });
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool entered_ = false;
  bool released_ = false;
};

class TestHandler : public Handler {
 public:
  size_t BodyLimit(std::string_view, std::string_view target) const override {
    return target.starts_with("/small") ? 1024 : 1024 * 1024;
  }
  std::optional<Response> HandleInline(const Request& request) override {
    if (request.target != "/healthz") return std::nullopt;
    Response r;
    r.content_type = "text/plain";
    r.body = "ok";
    return r;
  }
  // "/async" is answered from another thread, the way the API answers after a group commit.
  bool HandleAsync(const Request& request, const Responder& respond) override {
    if (request.target != "/async") return false;
    std::thread([respond, id = request.request_id] {
      respond([id] {
        Response r;
        r.content_type = "text/plain";
        r.body = "async " + id;
        return r;
      });
    }).detach();
    return true;
  }
  // Echoes "METHOD TARGET BODY_LENGTH X-TEST REQUEST_ID".
  Response Handle(const Request& request) override {
    if (request.target == "/throw") throw std::runtime_error("boom");
    if (request.target == "/nocontent") {
      Response r;
      r.status = 204;
      r.body = "a body a 204 must not have";
      return r;
    }
    if (request.target == "/block") gate.Enter();
    const std::string* test_header = request.FindHeader("x-test");
    Response r;
    r.content_type = "text/plain";
    r.headers.push_back({"X-Echo", "yes"});
    r.body = request.method + " " + request.target + " " + std::to_string(request.body.size()) +
             " " + (test_header ? *test_header : "-") + " " + request.request_id;
    r.log_account = "123";
    return r;
  }

  Gate gate;
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
  Conn c(s.port());
  ASSERT_TRUE(c.Send(Get("/throw")));
  auto r = c.Read();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 500);
  const std::string id = r->Header("X-Request-Id");
  EXPECT_EQ(r->body,
            "{\"errorCode\":\"InternalError\",\"errorMessage\":\"internal error (request id " + id +
                ")\"}");
  EXPECT_EQ(r->body.find("boom"), std::string::npos);
  // The connection stays usable.
  ASSERT_TRUE(c.Send(Get("/healthz")));
  auto h = c.Read();
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->status, 200);
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

TEST(ServerTest, MaxConnections) {
  ServerOptions o = TestOptions();
  o.max_connections = 2;
  Running s(o);
  auto first = std::make_unique<Conn>(s.port());
  Conn second(s.port());
  for (Conn* c : {first.get(), &second}) {
    ASSERT_TRUE(c->Send(Get("/x")));
    ASSERT_TRUE(c->Read().has_value());
  }
  Conn third(s.port());
  EXPECT_TRUE(third.ClosedWithin(2000ms));

  first.reset();  // frees a slot once the server notices the close
  bool served = false;
  for (auto deadline = Clock::now() + 2s; !served && Clock::now() < deadline;) {
    Conn next(s.port());
    served = next.Send(Get("/x")) && next.Read(500ms).has_value();
  }
  EXPECT_TRUE(served);
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

}  // namespace
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

}  // namespace senderid::http
