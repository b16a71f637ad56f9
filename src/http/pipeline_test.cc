// Tests for the customer API's pipeline (http/pipeline.h) on the in-memory registry, through a fake
// Exchange that queues offloaded work for the test to run: routed once at Admit (the route's body
// limit), 404/405 and /healthz answered at once in Serve without spending anything, everything else
// offloaded — authenticated (SPEC §2: one Authorization or Authentication header, the scope of the
// route) and then handled on a worker — and WaitIdle.

#include "http/pipeline.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/hex.h"
#include "core/time.h"
#include "crypto/default_crypto.h"
#include "http/routes.h"
#include "tests/unit/core_testing.h"

namespace senderid::http {
namespace {

using namespace std::chrono_literals;

// An Exchange whose offloaded work waits in a queue until Drive runs it, on the test's thread.
class FakeExchange final : public Exchange {
 public:
  explicit FakeExchange(Request request) : request_(std::move(request)) {}

  const Request& request() const override { return request_; }
  void Offload(std::function<void()> work) override {
    std::lock_guard lock(mu_);
    ++offloads_;
    queue_.push_back(std::move(work));
    cv_.notify_all();
  }
  void Respond(Response response) override {
    std::lock_guard lock(mu_);
    ++responses_;
    if (!response_) response_ = std::move(response);
    cv_.notify_all();
  }

  // Runs queued work (which may queue more) until answered; nullopt when nothing is left to run or
  // two seconds passed.
  std::optional<Response> Drive() {
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    for (;;) {
      std::function<void()> work;
      {
        std::unique_lock lock(mu_);
        cv_.wait_until(lock, deadline, [&] { return response_ || !queue_.empty(); });
        if (response_) return response_;
        if (queue_.empty()) return std::nullopt;
        work = std::move(queue_.front());
        queue_.pop_front();
      }
      work();
    }
  }

  std::optional<Response> answered() {
    std::lock_guard lock(mu_);
    return response_;
  }
  int offloads() {
    std::lock_guard lock(mu_);
    return offloads_;
  }
  int responses() {
    std::lock_guard lock(mu_);
    return responses_;
  }
  bool queued() {
    std::lock_guard lock(mu_);
    return !queue_.empty();
  }

 private:
  Request request_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::optional<Response> response_;
  int offloads_ = 0;
  int responses_ = 0;
};

Request MakeRequest(std::string method, std::string target, std::vector<Header> headers = {},
                    std::string body = "") {
  Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = std::move(headers);
  r.body = std::move(body);
  r.request_id = "0123456789abcdef";
  return r;
}

std::string ErrorCodeOf(const Response& r) {
  const nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("errorCode")) return "(no error) " + r.body;
  return j["errorCode"].get<std::string>();
}

class PipelineTest : public test::MemoryRegistryFixture {
 protected:
  void SetUp() override {
    creds_ = NewAccount();
    ASSERT_FALSE(creds_.api_key.empty());
    numbers_.emplace(Numbers());
    verification_.emplace(Verification());
    documents_.emplace(Documents());
    papers_.emplace(Papers());
    auth_.emplace(Auth());
    events_.emplace(Events());
    webhooks_.emplace(Webhooks());
    ApiOptions options;
    options.body_limit = 100;
    options.upload_body_limit = 1000;
    options.public_url = "https://api.example.com/";
    pipeline_ = std::make_unique<Pipeline>(
        options, ApiServices{*auth_, *numbers_, *verification_, *documents_, *papers_, *events_,
                             *webhooks_, store()});
  }
  void TearDown() override { EXPECT_TRUE(pipeline_->WaitIdle(1s)); }

  // A fresh, correctly signed Authorization value for `c` (a new salt every time).
  std::string Signed(const Credentials& c) {
    const std::string date = FormatIsoMillis(clock_.Now());
    const std::string salt = "salt" + std::to_string(++salts_) + "0123456789abcdef0123456789";
    return "HMAC-SHA256 apiKey=" + c.api_key + ", date=" + date + ", salt=" + salt +
           ", signature=" + ToHex(ComputeHmac(MacAlgorithm::kHmacSha256, c.api_secret, date + salt));
  }

  // Admit + Serve, as the server calls them.
  std::shared_ptr<FakeExchange> Start(Request request) {
    const Admission a = pipeline_->Admit(request.method, request.target);
    auto exchange = std::make_shared<FakeExchange>(std::move(request));
    pipeline_->Serve(exchange, a.route);
    return exchange;
  }

  // The whole way to the answer.
  Response Call(Request request) {
    auto exchange = Start(std::move(request));
    std::optional<Response> r = exchange->Drive();
    EXPECT_TRUE(r.has_value()) << "never answered";
    EXPECT_EQ(exchange->responses(), 1) << "answered exactly once";
    return r.value_or(Response{});
  }

  Credentials creds_;
  std::optional<NumbersService> numbers_;
  std::optional<VerificationService> verification_;
  std::optional<DocumentsService> documents_;
  std::optional<PapersService> papers_;
  std::optional<EventsService> events_;
  std::optional<WebhooksService> webhooks_;
  std::optional<Authenticator> auth_;
  std::unique_ptr<Pipeline> pipeline_;
  int salts_ = 0;
};

TEST_F(PipelineTest, AdmitRoutesOnceAndGivesTheRoutesBodyLimit) {
  Admission a = pipeline_->Admit("POST", "/senderid/v1/documents");
  ASSERT_EQ(a.route.outcome, RouteOutcome::kFound);
  EXPECT_EQ(a.route.route->path, "/senderid/v1/documents");
  EXPECT_EQ(a.body_limit, 1000u);
  a = pipeline_->Admit("GET", "/senderid/v1/documents?limit=5");
  EXPECT_EQ(a.body_limit, 100u);
  EXPECT_EQ(a.route.query, "limit=5");
  a = pipeline_->Admit("PUT", "/senderid/v1/numbers/010-1234-5678");
  ASSERT_EQ(a.route.outcome, RouteOutcome::kFound);
  EXPECT_EQ(a.route.param, "010-1234-5678");
  EXPECT_EQ(a.body_limit, 100u);
  a = pipeline_->Admit("POST", "/nowhere");
  EXPECT_EQ(a.route.outcome, RouteOutcome::kNotFound);
  EXPECT_EQ(a.body_limit, 100u);
  a = pipeline_->Admit("PATCH", "/senderid/v1/documents");
  EXPECT_EQ(a.route.outcome, RouteOutcome::kMethodNotAllowed);
  EXPECT_EQ(a.body_limit, 100u);
}

TEST_F(PipelineTest, UnknownRouteAndWrongMethodAreAnsweredAtOnceAndSpendNothing) {
  const std::string header = Signed(creds_);
  struct Case {
    std::string method, target, code;
    int status;
  };
  for (const Case& c : {Case{"GET", "/senderid/v1/nothing", "ResourceNotFound", 404},
                        Case{"GET", "/senderid/v1/numbers/%ZZ", "ResourceNotFound", 404},
                        Case{"PATCH", "/senderid/v1/numbers", "MethodNotAllowed", 405},
                        Case{"PUT", "/senderid/v1/numbers/active", "MethodNotAllowed", 405}}) {
    SCOPED_TRACE(c.method + " " + c.target);
    auto exchange = Start(MakeRequest(c.method, c.target, {{"Authorization", header}}));
    std::optional<Response> r = exchange->answered();  // inside Serve, before any work
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(exchange->offloads(), 0);
    EXPECT_EQ(r->status, c.status);
    EXPECT_EQ(ErrorCodeOf(*r), c.code);
    EXPECT_EQ(r->log_error, c.code);
  }
  // The signature those requests carried is still unspent...
  Response ok = Call(MakeRequest("GET", "/senderid/v1/numbers", {{"Authorization", header}}));
  EXPECT_EQ(ok.status, 200) << ok.body;
  // ...and is spent now.
  Response again = Call(MakeRequest("GET", "/senderid/v1/numbers", {{"Authorization", header}}));
  EXPECT_EQ(again.status, 403);
  EXPECT_EQ(ErrorCodeOf(again), "DuplicatedSignature");
}

TEST_F(PipelineTest, HealthzIsInlineAndPublic) {
  auto exchange = Start(MakeRequest("GET", "/healthz"));
  std::optional<Response> r = exchange->answered();
  ASSERT_TRUE(r.has_value()) << "answered inside Serve";
  EXPECT_EQ(exchange->offloads(), 0);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"status":"ok"})");
  EXPECT_EQ(r->log_account, "");
}

TEST_F(PipelineTest, StoreRoutesAreOffloadedAuthenticatedAndHandled) {
  auto exchange =
      Start(MakeRequest("GET", "/senderid/v1/numbers", {{"Authorization", Signed(creds_)}}));
  EXPECT_FALSE(exchange->answered().has_value()) << "nothing of it runs inside Serve";
  EXPECT_EQ(exchange->offloads(), 1);
  EXPECT_FALSE(pipeline_->WaitIdle(10ms)) << "a request is in the pipeline";
  std::optional<Response> r = exchange->Drive();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(exchange->offloads(), 1)
      << "a read: authentication and handler on one worker, the answer after the ledger's";
  EXPECT_EQ(r->status, 200) << r->body;
  const nlohmann::json doc = nlohmann::json::parse(r->body);
  EXPECT_EQ(doc["accountId"], creds_.account_id);
  EXPECT_EQ(r->log_account, creds_.account_id);
  EXPECT_TRUE(pipeline_->WaitIdle(1s));

  // A write runs its handler only once its signature is spent: back on a worker.
  auto write = Start(MakeRequest("POST", "/senderid/v1/numbers", {{"Authorization", Signed(creds_)}},
                                 R"({"phoneNumber":"01012345678"})"));
  std::optional<Response> created = write->Drive();
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(write->offloads(), 2) << "authenticate, then the handler, each on a worker";
  EXPECT_EQ(created->status, 200) << created->body;
}

TEST_F(PipelineTest, AuthorizationHeaderRules) {
  // None: InvalidAPIKey.
  Response r = Call(MakeRequest("GET", "/senderid/v1/numbers"));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(ErrorCodeOf(r), "InvalidAPIKey");
  // Spelled "Authentication" (SPEC §2): accepted.
  r = Call(MakeRequest("GET", "/senderid/v1/numbers/active",
                       {{"authentication", Signed(creds_)}}));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "[]");
  // More than one, in either spelling: refused before anything is spent.
  const std::string header = Signed(creds_);
  for (const std::vector<Header>& headers :
       {std::vector<Header>{{"Authorization", header}, {"Authorization", header}},
        std::vector<Header>{{"Authorization", header}, {"Authentication", header}}}) {
    r = Call(MakeRequest("GET", "/senderid/v1/numbers", headers));
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(ErrorCodeOf(r), "InvalidAPIKey");
    EXPECT_NE(r.body.find("Exactly one Authorization"), std::string::npos) << r.body;
  }
  r = Call(MakeRequest("GET", "/senderid/v1/numbers", {{"Authorization", header}}));
  EXPECT_EQ(r.status, 200) << "the repeated headers spent nothing";
}

TEST_F(PipelineTest, TheRoutesScopeIsRequired) {
  Result<Credentials> read_only = Accounts().CreateKey(creds_.account_id, kScopeRead, test::kTestActor);
  ASSERT_TRUE(read_only.ok()) << read_only.error().message;
  Response r = Call(MakeRequest("GET", "/senderid/v1/numbers", {{"Authorization", Signed(*read_only)}}));
  EXPECT_EQ(r.status, 200) << r.body;
  r = Call(MakeRequest("POST", "/senderid/v1/numbers", {{"Authorization", Signed(*read_only)}},
                       R"({"phoneNumber":"01012345678"})"));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(ErrorCodeOf(r), "Forbidden");
  EXPECT_FALSE(EntryOf(creds_.account_id, "01012345678").has_value());
  r = Call(MakeRequest("POST", "/senderid/v1/numbers", {{"Authorization", Signed(creds_)}},
                       R"({"phoneNumber":"01012345678"})"));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(EntryOf(creds_.account_id, "01012345678").has_value());
}

TEST_F(PipelineTest, HandlerErrorsAreErrorAnswers) {
  Response r = Call(MakeRequest("POST", "/senderid/v1/numbers", {{"Authorization", Signed(creds_)}},
                                R"({"phoneNumber":)"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorCodeOf(r), "ValidationError");
  EXPECT_EQ(r.log_account, creds_.account_id) << "authenticated, so the log names the account";
  r = Call(MakeRequest("DELETE", "/senderid/v1/numbers/01099999999",
                       {{"Authorization", Signed(creds_)}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorCodeOf(r), "InvalidSenderId");
}

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16;
    if (i + 1 < in.size()) n |= static_cast<uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8;
    if (i + 2 < in.size()) n |= static_cast<uint32_t>(static_cast<unsigned char>(in[i + 2]));
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

TEST_F(PipelineTest, DocumentUrlsCarryThePublicUrlWithoutItsTrailingSlash) {
  Response r = Call(MakeRequest(
      "POST", "/senderid/v1/documents", {{"Authorization", Signed(creds_)}},
      R"({"file":")" + Base64(test::PdfBytes(64)) + R"(","category":"SENDERID_APPROVAL"})"));
  ASSERT_EQ(r.status, 200) << r.body;
  const nlohmann::json doc = nlohmann::json::parse(r.body);
  const std::string id = doc["documentId"].get<std::string>();
  EXPECT_EQ(doc["url"], "https://api.example.com/senderid/v1/documents/" + id + "/file");
  EXPECT_FALSE(doc.contains("path"));
}

}  // namespace
}  // namespace senderid::http
