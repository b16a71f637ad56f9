#include "metrics/prometheus_metrics.h"

#include <gtest/gtest.h>

#include <string>

namespace senderid::metrics {
namespace {

bool HasLine(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(PrometheusMetrics, RecordsAndBacklogBecomeTheirSamples) {
  PrometheusMetrics m("9.8.7");
  m.RequestStarted();
  m.RequestStarted();
  m.RequestStarted();
  m.RequestAnswered("", "BREW", 404, 0.0002);
  m.RequestAnswered("", "BREW", 404, 0.02);
  m.StoreWriteCommitted(0.002);
  m.ArsCallPlaced(CallOutcome::kTimedOut);
  m.WebhookAttempted(503, std::nullopt);
  m.WebhookAttempted(std::nullopt, DeliveryError::kDnsError);

  Backlog backlog;
  backlog.now = 10'000;
  backlog.oldest_pending_delivery = 4'000;
  backlog.pending_reviews = {{ReviewKind::kLimitation, 3, 7'500}};
  const std::string text = "\n" + m.Serialize(backlog);

  EXPECT_TRUE(HasLine(
      text,
      R"(http_server_request_duration_seconds_count{method="_OTHER",route="unmatched",status="404"} 2)"))
      << text;
  EXPECT_TRUE(HasLine(
      text,
      R"(http_server_request_duration_seconds_bucket{method="_OTHER",route="unmatched",status="404",le="0.0005"} 1)"))
      << text;
  EXPECT_TRUE(HasLine(text, "http_server_active_requests 1")) << text;
  EXPECT_TRUE(HasLine(text, "senderid_store_commit_duration_seconds_count 1")) << text;
  EXPECT_TRUE(HasLine(text, R"(senderid_ars_calls_total{outcome="timed_out"} 1)")) << text;
  EXPECT_TRUE(HasLine(text, R"(senderid_ars_calls_total{outcome="placed"} 0)")) << text;
  EXPECT_TRUE(HasLine(text, R"(senderid_webhook_deliveries_total{outcome="http_5xx"} 1)")) << text;
  EXPECT_TRUE(HasLine(text, R"(senderid_webhook_deliveries_total{outcome="dns_error"} 1)")) << text;
  EXPECT_TRUE(HasLine(text, "senderid_webhook_oldest_pending_seconds 6")) << text;
  EXPECT_TRUE(HasLine(text, R"(senderid_reviews_pending{kind="limitation"} 3)")) << text;
  EXPECT_TRUE(HasLine(text, R"(senderid_reviews_pending{kind="approval"} 0)")) << text;
  EXPECT_TRUE(HasLine(text, R"(senderid_reviews_oldest_pending_seconds{kind="limitation"} 2.5)"))
      << text;
  EXPECT_TRUE(HasLine(text, R"(senderid_build_info{version="9.8.7"} 1)")) << text;

  // The next scrape sees the backlog as it is then: nothing pending any more is 0, not stale.
  m.RequestDropped();
  const std::string empty = "\n" + m.Serialize(Backlog{20'000, std::nullopt, {}});
  EXPECT_TRUE(HasLine(empty, "senderid_webhook_oldest_pending_seconds 0")) << empty;
  EXPECT_TRUE(HasLine(empty, R"(senderid_reviews_pending{kind="limitation"} 0)")) << empty;
  EXPECT_TRUE(HasLine(empty, "http_server_active_requests 0")) << empty;
}

TEST(PrometheusMetrics, TwoInstancesKeepTheirOwnSeries) {
  // The per-thread series cache must not hand one registry's histogram to another.
  PrometheusMetrics a("1"), b("1");
  a.RequestStarted();
  a.RequestAnswered("/healthz", "GET", 200, 0.001);
  b.RequestStarted();
  b.RequestAnswered("/healthz", "GET", 200, 0.001);
  b.RequestStarted();
  b.RequestAnswered("/healthz", "GET", 200, 0.001);
  const std::string line =
      R"(http_server_request_duration_seconds_count{method="GET",route="/healthz",status="200"} )";
  EXPECT_TRUE(HasLine("\n" + a.Serialize(Backlog{}), line + "1"));
  EXPECT_TRUE(HasLine("\n" + b.Serialize(Backlog{}), line + "2"));
}

}  // namespace
}  // namespace senderid::metrics
