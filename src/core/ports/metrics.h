#pragma once
// The port through which adapters report what operators count (SPEC §14): how long store writes
// take, how ARS calls and webhook attempts end. Implemented by src/metrics (Prometheus); None() is
// the no-op the CLI uses. Thread-safe; every method is quick, never blocks and never fails — a
// metric is never a reason for a request to fail.

#include <optional>

#include "core/ports/voice_caller.h"
#include "core/webhooks.h"

namespace senderid {

class Metrics {
 public:
  virtual ~Metrics() = default;
  // A Store::Write became durable `seconds` after it was called (queueing for the writer, the
  // transaction's work and its commit).
  virtual void StoreWriteCommitted(double seconds) = 0;
  // A verification call was handed to the voice provider and ended so.
  virtual void ArsCallPlaced(CallOutcome outcome) = 0;
  // A webhook attempt ended: with an HTTP answer (`status`) or with `error` (no answer to judge,
  // or a redirect).
  virtual void WebhookAttempted(std::optional<int> status, std::optional<DeliveryError> error) = 0;

  // A Metrics that records nothing.
  static Metrics& None();
};

}  // namespace senderid
