#pragma once
// senderid's metrics (SPEC §14) in a prometheus-cpp registry, and their text (format 0.0.4, by
// prometheus-cpp's TextSerializer; served by our own admin listener, not prometheus-cpp-pull):
//   http_server_request_duration_seconds{route,method,status}  histogram, both listeners
//   http_server_active_requests                                 gauge
//   senderid_store_commit_duration_seconds                      histogram of Store::Write
//   senderid_ars_calls_total{outcome}                           counter
//   senderid_webhook_deliveries_total{outcome}                  counter of attempts
//   senderid_webhook_oldest_pending_seconds                     gauge, read at scrape time
//   senderid_reviews_pending{kind}                              gauge, read at scrape time
//   senderid_reviews_oldest_pending_seconds{kind}               gauge, read at scrape time
//   senderid_build_info{version}                                gauge, 1
// Label values come from metrics/labels.h only (bounded). Thread-safe; recording never blocks
// for long: a request's histogram is found through a per-thread cache, and Observe is
// prometheus-cpp's (a short mutex per series).

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/ports/metrics.h"
#include "core/services/backlog_service.h"
#include "http/admin/admin_call.h"
#include "http/server/server.h"

namespace senderid::metrics {

class PrometheusMetrics final : public Metrics, public http::RequestObserver {
 public:
  // `version` is what senderid_build_info carries (e.g. "0.1.0").
  explicit PrometheusMetrics(std::string_view version);

  // Metrics (the core's port).
  void StoreWriteCommitted(double seconds) override;
  void ArsCallPlaced(CallOutcome outcome) override;
  void WebhookAttempted(std::optional<int> status, std::optional<DeliveryError> error) override;

  // http::RequestObserver.
  void RequestStarted() override;
  void RequestAnswered(std::string_view route, std::string_view method, int status,
                       double seconds) override;
  void RequestDropped() override;

  // The exposition text, with the scrape-time gauges set from `backlog` first.
  std::string Serialize(const Backlog& backlog);

 private:
  prometheus::Histogram& RequestHistogram(std::string_view route, std::string_view method,
                                          int status);

  const uint64_t instance_;  // tells per-thread caches of different instances apart
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Histogram>& request_duration_;
  prometheus::Gauge& active_requests_;
  prometheus::Histogram& commit_duration_;
  prometheus::Family<prometheus::Counter>& ars_calls_;
  prometheus::Family<prometheus::Counter>& webhook_deliveries_;
  prometheus::Gauge& oldest_pending_delivery_;
  prometheus::Family<prometheus::Gauge>& reviews_pending_;
  prometheus::Family<prometheus::Gauge>& reviews_oldest_;
  std::mutex scrape_mu_;  // one scrape at a time: its gauges are set, then serialised
};

// GET /metrics: reads the backlog (a store read, on the admin worker that calls it) and
// serialises. Thread-safe.
class MetricsExposition final : public http::admin::MetricsSource {
 public:
  MetricsExposition(PrometheusMetrics& metrics, BacklogService& backlog)
      : metrics_(metrics), backlog_(backlog) {}
  Result<std::string> Scrape() override;

 private:
  PrometheusMetrics& metrics_;
  BacklogService& backlog_;
};

}  // namespace senderid::metrics
