#include "core/ports/metrics.h"

namespace senderid {
namespace {

class NoMetrics final : public Metrics {
 public:
  void StoreWriteCommitted(double) override {}
  void ArsCallPlaced(CallOutcome) override {}
  void WebhookAttempted(std::optional<int>, std::optional<DeliveryError>) override {}
};

}  // namespace

Metrics& Metrics::None() {
  static NoMetrics none;
  return none;
}

}  // namespace senderid
