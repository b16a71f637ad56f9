// senderid-loadgen: a closed-loop HTTP/1.1 keep-alive load generator for senderid that signs every
// request like SPEC §2 (HMAC-SHA256 over date + salt, ISO date with milliseconds and 'Z', a fresh
// salt per request, so replay protection is part of the measured cost).
//
// Each connection runs one scenario in a loop (a "cycle" of one or more requests); connections are
// spread over --threads epoll loops. Latency is measured per request from the first byte written to
// the last byte read; every sample is kept (no histogram approximation) and sorted at the end.
// Output: one JSON line on stdout. Diagnostics (the first unexpected answers) go to stderr.
//
// Modes:
//   healthz        GET /healthz (no signature)
//   active         signed GET /senderid/v1/numbers/active
//   get-numbers    signed GET /senderid/v1/numbers
//   create-delete  POST /senderid/v1/numbers {"phoneNumber": 010xxxxxxxx}, then DELETE it
//   ars            create, PUT …/authenticate step 1, read the code from <data>/voice-outbox.jsonl,
//                  step 2 (a complete ARS verification per cycle)
//   upload         POST /senderid/v1/documents with a ~700 KB PDF as base64
//   wait           poll GET /healthz until it answers 200 (server start time; see --since-ns)
//   receive        the other way round: a webhook receiver on 127.0.0.1:--port that answers every
//                  request 204 at once (keep-alive) until SIGTERM, then prints how many it got and
//                  when the first and last arrived (the webhooks benchmark's fast receiver)
//
// Exit status: 0 when the run completed with successful cycles, 1 when nothing succeeded (server
// down, every answer an error) or --max-error-ratio was exceeded, 2 on a usage error.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// ------------------------------------------------------------------------------------------------
// Options

struct Account {
  std::string account_id;
  std::string api_key;
  std::string api_secret;
};

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string mode;
  std::vector<Account> accounts;
  int concurrency = 16;
  int threads = 1;
  double duration = 10;
  double warmup = 1;
  std::string outbox;  // ars: the server's voice-outbox.jsonl
  uint64_t number_offset = 0;
  size_t upload_size = 716'000;
  std::string label;
  double timeout = 30;        // wait mode
  int64_t since_ns = 0;       // wait mode: CLOCK_REALTIME ns the server was started at
  double max_error_ratio = 1.0;
  double rate = 0;            // > 0: open loop, cycles per second over all connections
};

[[noreturn]] void Usage(const std::string& why) {
  std::fprintf(stderr,
               "senderid-loadgen: %s\n"
               "usage: senderid-loadgen --mode healthz|active|get-numbers|create-delete|ars|upload|wait|receive\n"
               "         [--url http://127.0.0.1:8080 | --host H --port P]\n"
               "         [--key K --secret S | --accounts FILE.json]\n"
               "         [--concurrency 16] [--threads 1] [--duration 10] [--warmup 1]\n"
               "         [--data DIR | --outbox FILE]   (ars: where voice-outbox.jsonl is)\n"
               "         [--rate R]   (open loop: R cycles/s over all connections, latency from\n"
               "                       the scheduled start, i.e. corrected for coordinated omission)\n"
               "         [--number-offset N] [--upload-size BYTES] [--label TEXT]\n"
               "         [--max-error-ratio R] [--timeout S --since-ns NS] (wait)\n",
               why.c_str());
  std::exit(2);
}

// The string value after `"name"` and a colon, starting the search at `from`.
std::optional<std::string> JsonString(std::string_view text, std::string_view name, size_t from = 0,
                                      size_t* end = nullptr) {
  const std::string quoted = "\"" + std::string(name) + "\"";
  size_t at = text.find(quoted, from);
  if (at == std::string_view::npos) return std::nullopt;
  at = text.find(':', at + quoted.size());
  if (at == std::string_view::npos) return std::nullopt;
  at = text.find('"', at);
  if (at == std::string_view::npos) return std::nullopt;
  const size_t close = text.find('"', at + 1);
  if (close == std::string_view::npos) return std::nullopt;
  if (end) *end = close + 1;
  return std::string(text.substr(at + 1, close - at - 1));
}

// A JSON array of flat objects with accountId, apiKey and apiSecret (senderid-fill's output, or
// `senderid accounts create` lines). A minimal scanner: the objects carry no nested braces.
std::vector<Account> ReadAccounts(const std::string& path) {
  std::ifstream in(path);
  if (!in) Usage("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::vector<Account> out;
  size_t pos = 0;
  for (;;) {
    const size_t open = text.find('{', pos);
    if (open == std::string::npos) break;
    const size_t close = text.find('}', open);
    if (close == std::string::npos) break;
    const std::string_view object(text.data() + open, close - open + 1);
    Account a;
    a.account_id = JsonString(object, "accountId").value_or("");
    a.api_key = JsonString(object, "apiKey").value_or("");
    a.api_secret = JsonString(object, "apiSecret").value_or("");
    if (!a.api_key.empty() && !a.api_secret.empty()) out.push_back(std::move(a));
    pos = close + 1;
  }
  if (out.empty()) Usage(path + ": no {apiKey, apiSecret} objects found");
  return out;
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  std::string key, secret;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--mode") o.mode = value();
    else if (arg == "--url") {
      std::string url = value();
      constexpr std::string_view kHttp = "http://";
      if (url.rfind(kHttp, 0) == 0) url = url.substr(kHttp.size());
      while (!url.empty() && url.back() == '/') url.pop_back();
      const size_t colon = url.rfind(':');
      if (colon == std::string::npos) Usage("--url: http://HOST:PORT expected");
      o.host = url.substr(0, colon);
      o.port = std::atoi(url.c_str() + colon + 1);
    } else if (arg == "--host") o.host = value();
    else if (arg == "--port") o.port = std::atoi(value().c_str());
    else if (arg == "--key") key = value();
    else if (arg == "--secret") secret = value();
    else if (arg == "--accounts") o.accounts = ReadAccounts(value());
    else if (arg == "--concurrency" || arg == "-c") o.concurrency = std::atoi(value().c_str());
    else if (arg == "--threads" || arg == "-t") o.threads = std::atoi(value().c_str());
    else if (arg == "--duration" || arg == "-d") o.duration = std::atof(value().c_str());
    else if (arg == "--warmup") o.warmup = std::atof(value().c_str());
    else if (arg == "--data") o.outbox = value() + "/voice-outbox.jsonl";
    else if (arg == "--outbox") o.outbox = value();
    else if (arg == "--number-offset") o.number_offset = std::strtoull(value().c_str(), nullptr, 10);
    else if (arg == "--upload-size") o.upload_size = std::strtoull(value().c_str(), nullptr, 10);
    else if (arg == "--label") o.label = value();
    else if (arg == "--timeout") o.timeout = std::atof(value().c_str());
    else if (arg == "--since-ns") o.since_ns = std::strtoll(value().c_str(), nullptr, 10);
    else if (arg == "--max-error-ratio") o.max_error_ratio = std::atof(value().c_str());
    else if (arg == "--rate") o.rate = std::atof(value().c_str());
    else if (arg == "--help" || arg == "-h") Usage("help");
    else Usage("unknown option " + arg);
  }
  if (!key.empty() || !secret.empty()) {
    if (key.empty() || secret.empty()) Usage("--key and --secret go together");
    o.accounts.push_back(Account{"", key, secret});
  }
  static const char* const kModes[] = {"healthz", "active", "get-numbers", "create-delete",
                                       "ars",     "upload", "wait",   "receive"};
  if (std::find_if(std::begin(kModes), std::end(kModes),
                   [&](const char* m) { return o.mode == m; }) == std::end(kModes))
    Usage("--mode is required: healthz, active, get-numbers, create-delete, ars, upload, wait or receive");
  if (o.mode != "healthz" && o.mode != "wait" && o.mode != "receive" && o.accounts.empty())
    Usage("--mode " + o.mode + " signs requests: give --key/--secret or --accounts");
  if (o.mode == "ars" && o.outbox.empty()) Usage("--mode ars needs --data DIR or --outbox FILE");
  if (o.port <= 0 || o.port > 65535) Usage("bad port");
  if (o.concurrency < 1 || o.threads < 1 || o.duration <= 0 || o.warmup < 0)
    Usage("--concurrency, --threads, --duration must be positive");
  o.threads = std::min(o.threads, o.concurrency);
  return o;
}

// ------------------------------------------------------------------------------------------------
// Signing (SPEC §2)

std::string Hex(const unsigned char* data, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[data[i] >> 4];
    out[2 * i + 1] = kHex[data[i] & 15];
  }
  return out;
}

// Per thread: signs for any of the accounts. HMAC contexts are keyed once per account and duplicated
// for each signature (EVP_MAC_fetch and key setup are the expensive part of an HMAC).
class Signer {
 public:
  Signer(const std::vector<Account>& accounts, uint64_t seed)
      : accounts_(accounts), rng_(seed), templates_(accounts.size(), nullptr) {
    mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac_ == nullptr) std::abort();
  }
  ~Signer() {
    for (EVP_MAC_CTX* c : templates_) EVP_MAC_CTX_free(c);
    EVP_MAC_free(mac_);
  }
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;

  // "HMAC-SHA256 apiKey=…, date=…, salt=…, signature=…" with the current time and a fresh salt.
  std::string Header(size_t account) {
    const std::string date = NowIso();
    uint64_t r[2] = {rng_(), rng_()};
    const std::string salt = Hex(reinterpret_cast<const unsigned char*>(r), sizeof r);
    const std::string message = date + salt;
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(Template(account));
    unsigned char out[EVP_MAX_MD_SIZE];
    size_t out_len = 0;
    if (ctx == nullptr ||
        EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) != 1 ||
        EVP_MAC_final(ctx, out, &out_len, sizeof out) != 1)
      std::abort();
    EVP_MAC_CTX_free(ctx);
    std::string h;
    h.reserve(160);
    h += "HMAC-SHA256 apiKey=";
    h += accounts_[account].api_key;
    h += ", date=";
    h += date;
    h += ", salt=";
    h += salt;
    h += ", signature=";
    h += Hex(out, out_len);
    return h;
  }

 private:
  EVP_MAC_CTX* Template(size_t account) {
    if (templates_[account] != nullptr) return templates_[account];
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac_);
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    const std::string& key = accounts_[account].api_secret;
    if (ctx == nullptr ||
        EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) != 1)
      std::abort();
    templates_[account] = ctx;
    return ctx;
  }

  // 2024-01-02T03:04:05.678Z; the seconds part is formatted once per second.
  std::string NowIso() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != cached_second_) {
      tm t{};
      gmtime_r(&ts.tv_sec, &t);
      char buf[32];
      std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
      cached_prefix_ = buf;
      cached_second_ = ts.tv_sec;
    }
    char ms[8];
    std::snprintf(ms, sizeof ms, ".%03dZ", static_cast<int>(ts.tv_nsec / 1'000'000));
    return cached_prefix_ + ms;
  }

  const std::vector<Account>& accounts_;
  std::mt19937_64 rng_;
  EVP_MAC* mac_ = nullptr;
  std::vector<EVP_MAC_CTX*> templates_;
  time_t cached_second_ = -1;
  std::string cached_prefix_;
};

// ------------------------------------------------------------------------------------------------
// The voice outbox (ARS): tailed from an offset, lines indexed by transactionId.

class Outbox {
 public:
  explicit Outbox(std::string path) : path_(std::move(path)) {
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0) offset_ = st.st_size;  // earlier runs' calls are not ours
  }
  ~Outbox() {
    if (fd_ >= 0) ::close(fd_);
  }

  // The code read to `transaction_id`, consumed; nullopt when the outbox has no such call.
  std::optional<std::string> Take(const std::string& transaction_id) {
    std::lock_guard lock(mu_);
    auto it = codes_.find(transaction_id);
    if (it == codes_.end()) {
      ReadNew();
      it = codes_.find(transaction_id);
      if (it == codes_.end()) return std::nullopt;
    }
    std::string code = std::move(it->second);
    codes_.erase(it);
    return code;
  }

 private:
  void ReadNew() {
    if (fd_ < 0) {
      fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd_ < 0) return;
    }
    char buf[64 * 1024];
    for (;;) {
      const ssize_t n = ::pread(fd_, buf, sizeof buf, offset_);
      if (n <= 0) break;
      offset_ += n;
      partial_.append(buf, static_cast<size_t>(n));
    }
    size_t start = 0;
    for (;;) {
      const size_t nl = partial_.find('\n', start);
      if (nl == std::string::npos) break;
      const std::string_view line(partial_.data() + start, nl - start);
      std::optional<std::string> tx = JsonString(line, "transactionId");
      std::optional<std::string> token = JsonString(line, "token");
      if (tx && token) codes_.emplace(std::move(*tx), std::move(*token));
      start = nl + 1;
    }
    partial_.erase(0, start);
  }

  std::mutex mu_;
  std::string path_;
  int fd_ = -1;
  off_t offset_ = 0;
  std::string partial_;
  std::unordered_map<std::string, std::string> codes_;
};

// ------------------------------------------------------------------------------------------------
// Statistics

enum Op { kHealthz, kActive, kGetNumbers, kCreate, kDelete, kStep1, kStep2, kUpload, kOpCount };
constexpr const char* kOpNames[kOpCount] = {"healthz", "active", "get-numbers", "create",
                                            "delete",  "step1",  "step2",       "upload"};

struct Stats {
  std::vector<uint32_t> latency_us[kOpCount];  // expected answers only
  uint64_t ok[kOpCount] = {};
  std::map<std::string, uint64_t> errors;  // "create 409 AlreadyRegistered" → count
  std::vector<uint32_t> cycle_us;
  uint64_t cycles = 0;
  uint64_t reconnects = 0;
};

struct Summary {
  uint64_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
};

Summary Summarize(std::vector<uint32_t>& v) {
  Summary s;
  s.count = v.size();
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    size_t i = static_cast<size_t>(q * static_cast<double>(v.size()));
    if (i >= v.size()) i = v.size() - 1;
    return v[i] / 1000.0;
  };
  s.p50 = at(0.50);
  s.p90 = at(0.90);
  s.p99 = at(0.99);
  s.max = v.back() / 1000.0;
  double sum = 0;
  for (uint32_t x : v) sum += x;
  s.mean = sum / static_cast<double>(v.size()) / 1000.0;
  return s;
}

std::string LatencyJson(const Summary& s) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f,\"mean\":%.3f}", s.p50, s.p90,
                s.p99, s.max, s.mean);
  return buf;
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Connections and the scenarios they run

struct Shared {
  explicit Shared(const Options& o) : options(o) {}
  const Options& options;
  std::string host_header;
  std::string upload_body;  // upload mode
  std::unique_ptr<Outbox> outbox;
  sockaddr_in address{};
  Clock::time_point window_begin, window_end;
  std::atomic<int> diagnostics_left{5};
};

struct Conn {
  int index = 0;
  int fd = -1;
  // Scenario state.
  uint64_t cycle = 0;       // cycles started on this connection
  int step = 0;
  size_t account = 0;
  std::string number;
  std::string transaction_id;
  std::string code;     // ars: read from the outbox
  std::string scratch;  // the body of the request in flight, when it has its own
  bool create_ok = false;
  Clock::time_point cycle_start;
  // Open loop (--rate): when the next cycle is due, and whether the connection waits for it.
  Clock::time_point scheduled;
  bool waiting = false;
  // The request in flight.
  Op op = kHealthz;
  std::string head;
  const std::string* body = nullptr;
  size_t sent = 0;
  bool want_out = false;
  Clock::time_point request_start;
  // The response being read.
  std::string in;
};

class Worker {
 public:
  Worker(Shared& shared, int id, std::vector<int> conn_indexes)
      : shared_(shared), o_(shared.options), signer_(o_.accounts, std::random_device{}() + id) {
    epfd_ = epoll_create1(EPOLL_CLOEXEC);
    for (int i : conn_indexes) {
      auto c = std::make_unique<Conn>();
      c->index = i;
      conns_.push_back(std::move(c));
    }
  }
  ~Worker() {
    for (auto& c : conns_)
      if (c->fd >= 0) ::close(c->fd);
    ::close(epfd_);
  }

  Stats& stats() { return stats_; }
  bool failed() const { return failed_; }

  void Run() {
    const auto begin = Clock::now();
    if (o_.rate > 0)
      interval_ = std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(o_.concurrency / o_.rate));
    for (auto& c : conns_) {
      if (!Connect(*c)) {
        failed_ = true;
        return;
      }
      // Open loop: connections start staggered over one interval.
      c->scheduled = begin + interval_ * c->index / o_.concurrency - interval_;
      StartCycle(*c);
    }
    epoll_event events[256];
    for (;;) {
      auto now = Clock::now();
      if (now >= shared_.window_end) break;
      auto wake = std::min(shared_.window_end, now + std::chrono::milliseconds(100));
      if (o_.rate > 0) {
        for (auto& c : conns_) {
          if (!c->waiting) continue;
          if (c->scheduled <= now) BeginCycle(*c);
          else wake = std::min(wake, c->scheduled);
        }
      }
      now = Clock::now();
      // Microsecond timeouts (epoll_pwait2): open-loop schedules must not slip by a millisecond.
      const auto wait_ns = wake <= now ? 0
          : std::chrono::duration_cast<std::chrono::nanoseconds>(wake - now).count();
      const timespec timeout{static_cast<time_t>(wait_ns / 1'000'000'000),
                             static_cast<long>(wait_ns % 1'000'000'000)};
      const int n = epoll_pwait2(epfd_, events, 256, &timeout, nullptr);
      if (n < 0 && errno != EINTR) {
        std::perror("epoll_wait");
        failed_ = true;
        return;
      }
      for (int i = 0; i < n; ++i) {
        Conn& c = *static_cast<Conn*>(events[i].data.ptr);
        if (events[i].events & EPOLLOUT) Send(c);
        if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) Receive(c);
      }
    }
  }

 private:
  bool Connect(Conn& c) {
    if (c.fd >= 0) {
      epoll_ctl(epfd_, EPOLL_CTL_DEL, c.fd, nullptr);
      ::close(c.fd);
      ++stats_.reconnects;
    }
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c.fd < 0) return false;
    if (::connect(c.fd, reinterpret_cast<const sockaddr*>(&shared_.address),
                  sizeof shared_.address) != 0) {
      std::fprintf(stderr, "senderid-loadgen: connect %s:%d: %s\n", o_.host.c_str(), o_.port,
                   std::strerror(errno));
      ::close(c.fd);
      c.fd = -1;
      return false;
    }
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(c.fd, F_SETFL, fcntl(c.fd, F_GETFL) | O_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &c;
    epoll_ctl(epfd_, EPOLL_CTL_ADD, c.fd, &ev);
    c.want_out = false;
    c.in.clear();
    return true;
  }

  // ---- scenarios ----

  // The next cycle: at once (closed loop), or at its scheduled time (open loop, --rate): each
  // connection then starts one cycle every concurrency/rate seconds on a fixed schedule, and a cycle
  // that starts late is timed from when it should have started.
  void StartCycle(Conn& c) {
    if (o_.rate > 0) {
      c.scheduled += interval_;
      if (c.scheduled > Clock::now()) {
        c.waiting = true;
        return;
      }
    }
    BeginCycle(c);
  }

  void BeginCycle(Conn& c) {
    c.waiting = false;
    const size_t n_accounts = std::max<size_t>(1, o_.accounts.size());
    c.account = (static_cast<size_t>(c.index) +
                 c.cycle * static_cast<size_t>(o_.concurrency)) % n_accounts;
    if (uses_numbers_) {
      // Unique numbers: each connection owns a contiguous slice of the 8-digit space.
      const uint64_t stride = 100'000'000ull / static_cast<uint64_t>(o_.concurrency);
      const uint64_t n = (o_.number_offset + static_cast<uint64_t>(c.index) * stride + c.cycle) %
                         100'000'000ull;
      char digits[16];
      std::snprintf(digits, sizeof digits, "010%08" PRIu64, n);
      c.number = digits;
    }
    c.transaction_id.clear();
    c.create_ok = false;
    ++c.cycle;
    c.step = 0;
    c.cycle_start = o_.rate > 0 ? c.scheduled : Clock::now();
    Issue(c);
  }

  void Issue(Conn& c) {
    const std::string& mode = o_.mode;
    if (mode == "healthz") return Get(c, kHealthz, "/healthz", false);
    if (mode == "active") return Get(c, kActive, "/senderid/v1/numbers/active", true);
    if (mode == "get-numbers") return Get(c, kGetNumbers, "/senderid/v1/numbers", true);
    if (mode == "upload") {
      return Request(c, kUpload, "POST", "/senderid/v1/documents", "", &shared_.upload_body);
    }
    if (c.step == 0) {
      c.scratch = "{\"phoneNumber\":\"" + c.number + "\"}";
      return Request(c, kCreate, "POST", "/senderid/v1/numbers", "", &c.scratch);
    }
    if (mode == "create-delete")
      return Request(c, kDelete, "DELETE", "/senderid/v1/numbers/" + c.number, "", nullptr);
    const std::string path = "/senderid/v1/numbers/" + c.number + "/authenticate";
    std::string mfa = "x-mfa-data: {\"authType\":\"ARS\",\"extras\":{\"phoneNumber\":\"" + c.number +
                      "\"}";
    if (c.step == 1) return Request(c, kStep1, "PUT", path, mfa + "}\r\n", nullptr);
    mfa += ",\"transactionId\":\"" + c.transaction_id + "\",\"token\":\"" + c.code + "\"}\r\n";
    return Request(c, kStep2, "PUT", path, mfa, nullptr);
  }

  // What the answer to the request in flight means for the cycle. `expected` says whether it was
  // the answer the scenario wanted.
  void Advance(Conn& c, int status, std::string_view body, bool& expected, bool& cycle_done,
               bool& cycle_failed) {
    expected = false;
    cycle_done = false;
    cycle_failed = false;
    switch (c.op) {
      case kHealthz:
      case kActive:
      case kGetNumbers:
      case kUpload:
        expected = status == 200;
        cycle_done = expected;
        cycle_failed = !expected;
        return;
      case kCreate:
        expected = status == 200;
        c.create_ok = expected;
        if (o_.mode == "create-delete") {
          // Delete even after a 409 (a number left over by an interrupted run), not after others.
          if (expected || status == 409) c.step = 1;
          else cycle_failed = true;
        } else {
          if (expected) c.step = 1;
          else cycle_failed = true;
        }
        return;
      case kDelete:
        expected = status == 200;
        cycle_done = expected && c.create_ok;
        cycle_failed = !cycle_done;
        return;
      case kStep1: {
        std::optional<std::string> tx;
        if (status == 403) tx = JsonString(body, "transactionId");
        expected = tx.has_value();
        if (!expected) {
          cycle_failed = true;
          return;
        }
        c.transaction_id = *tx;
        std::optional<std::string> code = shared_.outbox->Take(c.transaction_id);
        if (!code) {
          Diagnose(c, 0, "transaction " + c.transaction_id + " not found in the outbox");
          ++stats_.errors["outbox missing"];
          cycle_failed = true;
          return;
        }
        c.code = *code;
        c.step = 2;
        return;
      }
      case kStep2:
        expected = status == 200;
        cycle_done = expected;
        cycle_failed = !expected;
        return;
      case kOpCount:
        return;
    }
  }

  // ---- requests ----

  void Get(Conn& c, Op op, const std::string& path, bool sign) {
    c.op = op;
    c.head = "GET " + path + " HTTP/1.1\r\n" + shared_.host_header;
    if (sign) c.head += "Authorization: " + signer_.Header(c.account) + "\r\n";
    c.head += "\r\n";
    c.body = nullptr;
    Begin(c);
  }

  void Request(Conn& c, Op op, const char* method, const std::string& path,
               const std::string& extra_headers, const std::string* body) {
    c.op = op;
    c.head.clear();
    c.head += method;
    c.head += ' ';
    c.head += path;
    c.head += " HTTP/1.1\r\n";
    c.head += shared_.host_header;
    c.head += "Authorization: " + signer_.Header(c.account) + "\r\n";
    c.head += extra_headers;
    if (body != nullptr) c.head += "Content-Type: application/json\r\n";
    c.head += "Content-Length: " + std::to_string(body ? body->size() : 0) + "\r\n\r\n";
    c.body = body;
    Begin(c);
  }

  void Begin(Conn& c) {
    c.sent = 0;
    c.in.clear();
    c.request_start = o_.rate > 0 && c.step == 0 ? c.scheduled : Clock::now();
    Send(c);
  }

  void Send(Conn& c) {
    const size_t head = c.head.size();
    const size_t total = head + (c.body ? c.body->size() : 0);
    while (c.sent < total) {
      iovec iov[2];
      int n = 0;
      if (c.sent < head) {
        iov[n++] = {c.head.data() + c.sent, head - c.sent};
        if (c.body && !c.body->empty())
          iov[n++] = {const_cast<char*>(c.body->data()), c.body->size()};
      } else {
        const size_t off = c.sent - head;
        iov[n++] = {const_cast<char*>(c.body->data()) + off, c.body->size() - off};
      }
      const ssize_t w = ::writev(c.fd, iov, n);
      if (w < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          SetWantOut(c, true);
          return;
        }
        if (errno == EINTR) continue;
        return Lost(c);
      }
      c.sent += static_cast<size_t>(w);
    }
    SetWantOut(c, false);
  }

  void SetWantOut(Conn& c, bool want) {
    if (c.want_out == want) return;
    c.want_out = want;
    epoll_event ev{};
    ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
    ev.data.ptr = &c;
    epoll_ctl(epfd_, EPOLL_CTL_MOD, c.fd, &ev);
  }

  void Receive(Conn& c) {
    char buf[64 * 1024];
    const ssize_t n = ::read(c.fd, buf, sizeof buf);
    if (n == 0) return Lost(c);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      return Lost(c);
    }
    c.in.append(buf, static_cast<size_t>(n));
    const size_t header_end = c.in.find("\r\n\r\n");
    if (header_end == std::string::npos) return;
    int status = 0;
    if (c.in.size() >= 12) status = std::atoi(c.in.c_str() + 9);
    size_t content_length = 0;
    bool close = false;
    size_t line = c.in.find("\r\n") + 2;
    while (line < header_end) {
      const size_t eol = c.in.find("\r\n", line);
      const std::string_view h(c.in.data() + line, eol - line);
      if (HasPrefix(h, "content-length:")) content_length = std::strtoull(h.data() + 15, nullptr, 10);
      else if (HasPrefix(h, "connection:") && h.find("close") != std::string_view::npos) close = true;
      line = eol + 2;
    }
    if (c.in.size() < header_end + 4 + content_length) return;  // more body to come
    const auto done = Clock::now();
    const std::string_view body(c.in.data() + header_end + 4, content_length);
    Complete(c, status, body, done, close);
  }

  static bool HasPrefix(std::string_view h, std::string_view lower_prefix) {
    if (h.size() < lower_prefix.size()) return false;
    for (size_t i = 0; i < lower_prefix.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(h[i])) != lower_prefix[i]) return false;
    return true;
  }

  // `reconnect`: the server closes the connection after this answer.
  void Complete(Conn& c, int status, std::string_view body, Clock::time_point done, bool reconnect) {
    bool expected, cycle_done, cycle_failed;
    const Op op = c.op;
    Advance(c, status, body, expected, cycle_done, cycle_failed);
    const bool in_window = done >= shared_.window_begin && done <= shared_.window_end;
    if (in_window) {
      if (expected) {
        ++stats_.ok[op];
        if (c.request_start >= shared_.window_begin)
          stats_.latency_us[op].push_back(static_cast<uint32_t>(
              std::chrono::duration_cast<std::chrono::microseconds>(done - c.request_start).count()));
      } else {
        const std::string code = JsonString(body, "errorCode").value_or("");
        ++stats_.errors[std::string(kOpNames[op]) + " " + std::to_string(status) +
                        (code.empty() ? "" : " " + code)];
        Diagnose(c, status, std::string(body.substr(0, 300)));
      }
      if (cycle_done) {
        ++stats_.cycles;
        if (c.cycle_start >= shared_.window_begin)
          stats_.cycle_us.push_back(static_cast<uint32_t>(
              std::chrono::duration_cast<std::chrono::microseconds>(done - c.cycle_start).count()));
      }
    }
    c.in.clear();
    if (done >= shared_.window_end) return;
    if (reconnect && !Connect(c)) {
      failed_ = true;
      return;
    }
    if (cycle_done || cycle_failed) StartCycle(c);
    else Issue(c);
  }

  void Lost(Conn& c) {
    if (Clock::now() <= shared_.window_end) ++stats_.errors[std::string(kOpNames[c.op]) + " connection lost"];
    if (!Connect(c)) {
      failed_ = true;
      return;
    }
    if (Clock::now() < shared_.window_end) StartCycle(c);
  }

  void Diagnose(const Conn& c, int status, const std::string& what) {
    if (shared_.diagnostics_left.fetch_sub(1) <= 0) return;
    std::fprintf(stderr, "senderid-loadgen: unexpected answer to %s (%s): %d %s\n", kOpNames[c.op],
                 c.number.c_str(), status, what.c_str());
  }

  Shared& shared_;
  const Options& o_;
  Signer signer_;
  int epfd_ = -1;
  std::vector<std::unique_ptr<Conn>> conns_;
  Stats stats_;
  bool failed_ = false;
  Clock::duration interval_{};  // open loop: between two cycles of one connection
  const bool uses_numbers_ = o_.mode == "create-delete" || o_.mode == "ars";
};

// ------------------------------------------------------------------------------------------------

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16 |
                       static_cast<uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8 |
                       static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < in.size()) {
    uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16;
    if (i + 1 < in.size()) v |= static_cast<uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// A PDF by its magic bytes, padded with incompressible bytes to `size`.
std::string UploadBody(size_t size) {
  std::string pdf = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  std::mt19937_64 rng(42);
  while (pdf.size() < size) {
    const uint64_t r = rng();
    pdf.append(reinterpret_cast<const char*>(&r), std::min<size_t>(8, size - pdf.size()));
  }
  return "{\"file\":\"" + Base64(pdf) + "\",\"category\":\"SENDERID_APPROVAL\",\"name\":\"bench.pdf\"}";
}

bool Resolve(const std::string& host, int port, sockaddr_in& out) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || res == nullptr) return false;
  out = *reinterpret_cast<sockaddr_in*>(res->ai_addr);
  out.sin_port = htons(static_cast<uint16_t>(port));
  freeaddrinfo(res);
  return true;
}

int64_t RealtimeNs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Polls GET /healthz until 200; prints {"ready_ms": …} measured from --since-ns (or from now).
int WaitReady(const Options& o, const sockaddr_in& address) {
  const int64_t since = o.since_ns > 0 ? o.since_ns : RealtimeNs();
  const auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(o.timeout * 1000));
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: " + o.host + "\r\nConnection: close\r\n\r\n";
  while (Clock::now() < deadline) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 &&
        ::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buf[512];
      const ssize_t n = ::read(fd, buf, sizeof buf - 1);
      if (n >= 12 && std::strncmp(buf + 9, "200", 3) == 0) {
        ::close(fd);
        std::printf("{\"mode\":\"wait\",\"ready_ms\":%.1f}\n",
                    static_cast<double>(RealtimeNs() - since) / 1e6);
        return 0;
      }
    }
    if (fd >= 0) ::close(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::fprintf(stderr, "senderid-loadgen: %s:%d did not answer /healthz within %.0f s\n",
               o.host.c_str(), o.port, o.timeout);
  return 1;
}

// --mode receive: counts complete requests (headers + Content-Length body) on every connection and
// answers each with an empty 204, never closing a connection first. Stops on SIGTERM or SIGINT.
int Receive(const Options& o) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  const int signal_fd = signalfd(-1, &stop_signals, SFD_CLOEXEC);
  const int listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(o.port));
  if (signal_fd < 0 || listen_fd < 0 ||
      ::bind(listen_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd, 512) != 0) {
    std::fprintf(stderr, "senderid-loadgen: cannot listen on 127.0.0.1:%d: %s\n", o.port,
                 std::strerror(errno));
    return 1;
  }
  const int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  auto watch = [&](int fd) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
  };
  watch(signal_fd);
  watch(listen_fd);
  std::unordered_map<int, std::string> pending;  // per connection: bytes not yet a whole request
  uint64_t received = 0;
  int64_t first_ns = 0, last_ns = 0;
  static constexpr std::string_view kAnswer = "HTTP/1.1 204 No Content\r\n\r\n";
  // Content-Length of a header block (case-insensitive name), 0 when absent.
  auto content_length = [](std::string_view head) -> size_t {
    for (size_t at = head.find("\r\n"); at != std::string_view::npos; at = head.find("\r\n", at + 2)) {
      constexpr std::string_view kName = "content-length:";
      if (head.size() - at - 2 < kName.size()) break;
      bool match = true;
      for (size_t i = 0; i < kName.size() && match; ++i)
        match = std::tolower(static_cast<unsigned char>(head[at + 2 + i])) == kName[i];
      if (match) return std::strtoull(std::string(head.substr(at + 2 + kName.size(), 24)).c_str(), nullptr, 10);
    }
    return 0;
  };
  for (bool running = true; running;) {
    epoll_event events[64];
    const int n = epoll_wait(epoll_fd, events, 64, -1);
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == signal_fd) {
        running = false;
      } else if (fd == listen_fd) {
        for (int c; (c = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC)) >= 0;) {
          setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          watch(c);
          pending[c];
        }
      } else {
        char buf[65536];
        const ssize_t got = ::read(fd, buf, sizeof buf);
        if (got <= 0) {
          ::close(fd);
          pending.erase(fd);
          continue;
        }
        std::string& data = pending[fd];
        data.append(buf, static_cast<size_t>(got));
        std::string answers;
        for (;;) {
          const size_t head_end = data.find("\r\n\r\n");
          if (head_end == std::string::npos) break;
          const size_t total = head_end + 4 + content_length(std::string_view(data).substr(0, head_end + 2));
          if (data.size() < total) break;
          data.erase(0, total);
          answers += kAnswer;
          last_ns = RealtimeNs();
          if (received++ == 0) first_ns = last_ns;
        }
        if (!answers.empty() && ::write(fd, answers.data(), answers.size()) < 0) {
          ::close(fd);
          pending.erase(fd);
        }
      }
    }
  }
  std::printf("{\"mode\":\"receive\",\"received\":%" PRIu64 ",\"first_ns\":%" PRId64
              ",\"last_ns\":%" PRId64 "}\n", received, first_ns, last_ns);
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  Shared shared(o);
  shared.host_header = "Host: " + o.host + ":" + std::to_string(o.port) + "\r\n";
  if (!Resolve(o.host, o.port, shared.address)) Usage("cannot resolve " + o.host);
  if (o.mode == "wait") return WaitReady(o, shared.address);
  if (o.mode == "receive") return Receive(o);
  if (o.mode == "upload") shared.upload_body = UploadBody(o.upload_size);
  if (o.mode == "ars") shared.outbox = std::make_unique<Outbox>(o.outbox);

  std::vector<std::vector<int>> assignment(static_cast<size_t>(o.threads));
  for (int i = 0; i < o.concurrency; ++i)
    assignment[static_cast<size_t>(i % o.threads)].push_back(i);
  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < o.threads; ++t)
    workers.push_back(std::make_unique<Worker>(shared, t, assignment[static_cast<size_t>(t)]));

  const auto start = Clock::now();
  shared.window_begin = start + std::chrono::microseconds(static_cast<int64_t>(o.warmup * 1e6));
  shared.window_end =
      shared.window_begin + std::chrono::microseconds(static_cast<int64_t>(o.duration * 1e6));
  std::vector<std::thread> threads;
  for (auto& w : workers) threads.emplace_back([&w] { w->Run(); });
  for (auto& t : threads) t.join();

  Stats total;
  bool failed = false;
  for (auto& w : workers) {
    Stats& s = w->stats();
    failed = failed || w->failed();
    for (int op = 0; op < kOpCount; ++op) {
      total.ok[op] += s.ok[op];
      total.latency_us[op].insert(total.latency_us[op].end(), s.latency_us[op].begin(),
                                  s.latency_us[op].end());
    }
    for (const auto& [k, v] : s.errors) total.errors[k] += v;
    total.cycle_us.insert(total.cycle_us.end(), s.cycle_us.begin(), s.cycle_us.end());
    total.cycles += s.cycles;
    total.reconnects += s.reconnects;
  }

  uint64_t ok = 0, errors = 0;
  std::vector<uint32_t> all;
  for (int op = 0; op < kOpCount; ++op) {
    ok += total.ok[op];
    all.insert(all.end(), total.latency_us[op].begin(), total.latency_us[op].end());
  }
  std::map<std::string, uint64_t> by_status;
  for (const auto& [k, v] : total.errors) {
    errors += v;
    const size_t sp = k.find(' ');
    const std::string rest = k.substr(sp + 1);
    by_status[rest.substr(0, rest.find(' '))] += v;
  }
  const double secs = o.duration;
  std::string out = "{\"mode\":\"" + o.mode + "\"";
  if (!o.label.empty()) out += ",\"label\":\"" + JsonEscape(o.label) + "\"";
  char buf[512];
  std::snprintf(buf, sizeof buf,
                ",\"concurrency\":%d,\"threads\":%d,\"rate\":%.0f,\"duration_s\":%.2f,\"accounts\":%zu,"
                "\"requests\":%" PRIu64 ",\"ok\":%" PRIu64 ",\"error_count\":%" PRIu64
                ",\"throughput\":%.1f,\"requests_per_s\":%.1f,\"cycles\":%" PRIu64
                ",\"cycles_per_s\":%.1f,\"reconnects\":%" PRIu64,
                o.concurrency, o.threads, o.rate, secs, o.accounts.size(), ok + errors, ok, errors,
                static_cast<double>(ok) / secs, static_cast<double>(ok + errors) / secs,
                total.cycles, static_cast<double>(total.cycles) / secs, total.reconnects);
  out += buf;
  out += ",\"errors\":{";
  bool first = true;
  for (const auto& [k, v] : by_status) {
    out += (first ? "\"" : ",\"") + JsonEscape(k) + "\":" + std::to_string(v);
    first = false;
  }
  out += "},\"error_detail\":{";
  first = true;
  for (const auto& [k, v] : total.errors) {
    out += (first ? "\"" : ",\"") + JsonEscape(k) + "\":" + std::to_string(v);
    first = false;
  }
  out += "},\"latency_ms\":" + LatencyJson(Summarize(all));
  if (o.mode == "create-delete" || o.mode == "ars")
    out += ",\"cycle_latency_ms\":" + LatencyJson(Summarize(total.cycle_us));
  out += ",\"ops\":{";
  first = true;
  for (int op = 0; op < kOpCount; ++op) {
    if (total.ok[op] == 0) continue;
    const Summary s = Summarize(total.latency_us[op]);
    out += (first ? "\"" : ",\"") + std::string(kOpNames[op]) + "\":{\"ok\":" +
           std::to_string(total.ok[op]) + ",\"per_s\":" +
           std::to_string(static_cast<double>(total.ok[op]) / secs) +
           ",\"latency_ms\":" + LatencyJson(s) + "}";
    first = false;
  }
  out += "}";
  // The load generator's own CPU time (it shares the machine with the server): lets the runner tell
  // how much of the machine went to neither.
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto tv = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  std::snprintf(buf, sizeof buf, ",\"cpu_s\":%.3f,\"wall_s\":%.3f}",
                tv(usage.ru_utime) + tv(usage.ru_stime),
                std::chrono::duration<double>(Clock::now() - start).count());
  out += buf;
  std::printf("%s\n", out.c_str());
  std::fflush(stdout);

  if (failed) return 1;
  if (total.cycles == 0) {
    std::fprintf(stderr, "senderid-loadgen: no cycle succeeded\n");
    return 1;
  }
  if (ok + errors > 0 &&
      static_cast<double>(errors) / static_cast<double>(ok + errors) > o.max_error_ratio) {
    std::fprintf(stderr, "senderid-loadgen: error ratio %.3f over %.3f\n",
                 static_cast<double>(errors) / static_cast<double>(ok + errors), o.max_error_ratio);
    return 1;
  }
  return 0;
}
