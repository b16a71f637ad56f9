#include "metrics/prometheus_metrics.h"

#include <prometheus/text_serializer.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <unordered_map>

#include "metrics/labels.h"

namespace senderid::metrics {
namespace {

// From half a millisecond (a signed read on an idle server) to the 10 s request deadline.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return kBuckets;
}

std::atomic<uint64_t> next_instance{1};

// The per-thread cache of request histograms: the label strings point into static route tables
// and metrics/labels.h constants, so their addresses identify them.
struct SeriesKey {
  uint64_t instance;
  const char* route;
  const char* method;
  int status;
  bool operator==(const SeriesKey&) const = default;
};
struct SeriesKeyHash {
  size_t operator()(const SeriesKey& k) const {
    size_t h = std::hash<uint64_t>()(k.instance);
    h = h * 31 + std::hash<const void*>()(k.route);
    h = h * 31 + std::hash<const void*>()(k.method);
    return h * 31 + std::hash<int>()(k.status);
  }
};

}  // namespace

PrometheusMetrics::PrometheusMetrics(std::string_view version)
    : instance_(next_instance.fetch_add(1)),
      registry_(std::make_shared<prometheus::Registry>()),
      request_duration_(prometheus::BuildHistogram()
                            .Name("http_server_request_duration_seconds")
                            .Help("Time from a request's first byte to its answer written, by "
                                  "route template, method and status")
                            .Register(*registry_)),
      active_requests_(prometheus::BuildGauge()
                           .Name("http_server_active_requests")
                           .Help("Requests begun and not yet answered")
                           .Register(*registry_)
                           .Add({})),
      commit_duration_(prometheus::BuildHistogram()
                           .Name("senderid_store_commit_duration_seconds")
                           .Help("Time of a store write transaction until durable (queueing "
                                 "for the writer included)")
                           .Register(*registry_)
                           .Add({}, LatencyBuckets())),
      ars_calls_(prometheus::BuildCounter()
                     .Name("senderid_ars_calls_total")
                     .Help("ARS verification calls handed to the voice provider, by outcome")
                     .Register(*registry_)),
      webhook_deliveries_(prometheus::BuildCounter()
                              .Name("senderid_webhook_deliveries_total")
                              .Help("Webhook delivery attempts, by outcome")
                              .Register(*registry_)),
      oldest_pending_delivery_(prometheus::BuildGauge()
                                   .Name("senderid_webhook_oldest_pending_seconds")
                                   .Help("Age of the oldest pending delivery of an enabled "
                                         "webhook (0 when none)")
                                   .Register(*registry_)
                                   .Add({})),
      reviews_pending_(prometheus::BuildGauge()
                           .Name("senderid_reviews_pending")
                           .Help("Review requests waiting for an operator, by kind")
                           .Register(*registry_)),
      reviews_oldest_(prometheus::BuildGauge()
                          .Name("senderid_reviews_oldest_pending_seconds")
                          .Help("Age of the oldest pending review request, by kind (0 when none)")
                          .Register(*registry_)) {
  prometheus::BuildGauge()
      .Name("senderid_build_info")
      .Help("The running senderid's version (always 1)")
      .Register(*registry_)
      .Add({{"version", std::string(version)}})
      .Set(1);
  // Every outcome and kind from the start, so that rates and alerts see 0 rather than nothing.
  for (CallOutcome o : {CallOutcome::kPlaced, CallOutcome::kRefused, CallOutcome::kTimedOut})
    ars_calls_.Add({{"outcome", std::string(CallOutcomeLabel(o))}});
  webhook_deliveries_.Add({{"outcome", WebhookOutcomeLabel(200, std::nullopt)}});
  for (ReviewKind k : {ReviewKind::kApproval, ReviewKind::kLimitation, ReviewKind::kDuplicate}) {
    reviews_pending_.Add({{"kind", std::string(ToString(k))}});
    reviews_oldest_.Add({{"kind", std::string(ToString(k))}});
  }
}

void PrometheusMetrics::StoreWriteCommitted(double seconds) { commit_duration_.Observe(seconds); }

void PrometheusMetrics::ArsCallPlaced(CallOutcome outcome) {
  ars_calls_.Add({{"outcome", std::string(CallOutcomeLabel(outcome))}}).Increment();
}

void PrometheusMetrics::WebhookAttempted(std::optional<int> status,
                                         std::optional<DeliveryError> error) {
  webhook_deliveries_.Add({{"outcome", WebhookOutcomeLabel(status, error)}}).Increment();
}

void PrometheusMetrics::RequestStarted() { active_requests_.Increment(); }

void PrometheusMetrics::RequestDropped() { active_requests_.Decrement(); }

void PrometheusMetrics::RequestAnswered(std::string_view route, std::string_view method, int status,
                                        double seconds) {
  active_requests_.Decrement();
  RequestHistogram(route, method, status).Observe(seconds);
}

prometheus::Histogram& PrometheusMetrics::RequestHistogram(std::string_view route,
                                                           std::string_view method, int status) {
  const std::string_view route_label = RouteLabel(route);
  const std::string_view method_label = MethodLabel(method);
  thread_local std::unordered_map<SeriesKey, prometheus::Histogram*, SeriesKeyHash> cache;
  const SeriesKey key{instance_, route_label.data(), method_label.data(), status};
  if (auto it = cache.find(key); it != cache.end()) return *it->second;
  // First time on this thread: the family's Add (a lock and a label map) finds or makes it.
  prometheus::Histogram& h = request_duration_.Add({{"route", std::string(route_label)},
                                                    {"method", std::string(method_label)},
                                                    {"status", std::to_string(status)}},
                                                   LatencyBuckets());
  cache.emplace(key, &h);
  return h;
}

std::string PrometheusMetrics::Serialize(const Backlog& backlog) {
  std::lock_guard lock(scrape_mu_);
  oldest_pending_delivery_.Set(backlog.OldestDeliveryAgeSeconds());
  for (ReviewKind k : {ReviewKind::kApproval, ReviewKind::kLimitation, ReviewKind::kDuplicate}) {
    double count = 0, oldest = 0;
    for (const PendingReviews& p : backlog.pending_reviews) {
      if (p.kind != k) continue;
      count = p.count;
      oldest = static_cast<double>(std::max<TimeMs>(0, backlog.now - p.oldest_created)) / kSecond;
    }
    reviews_pending_.Add({{"kind", std::string(ToString(k))}}).Set(count);
    reviews_oldest_.Add({{"kind", std::string(ToString(k))}}).Set(oldest);
  }
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

Result<std::string> MetricsExposition::Scrape() {
  SID_ASSIGN_OR_RETURN(Backlog backlog, backlog_.Read());
  return metrics_.Serialize(backlog);
}

}  // namespace senderid::metrics
