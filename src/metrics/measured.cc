#include "metrics/measured.h"

#include <chrono>

namespace senderid::metrics {

Status MeasuredStore::Write(const WriteFn& fn) {
  const auto start = std::chrono::steady_clock::now();
  Status s = store_->Write(fn);
  if (s.ok())
    metrics_.StoreWriteCommitted(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return s;
}

CallOutcome MeasuredVoiceCaller::Place(const VoiceCall& call) {
  const CallOutcome outcome = caller_->Place(call);
  metrics_.ArsCallPlaced(outcome);
  return outcome;
}

}  // namespace senderid::metrics
