#pragma once
// Decorators that report to the Metrics port what passes through them, so that neither the core
// nor the store adapters time themselves:
//  - MeasuredStore: how long each Store::Write takes until durable (successful ones only);
//  - MeasuredVoiceCaller: how each ARS call ended.
// Each owns what it wraps and is as thread-safe as it.

#include <memory>

#include "core/ports/metrics.h"
#include "core/ports/store.h"
#include "core/ports/voice_caller.h"

namespace senderid::metrics {

class MeasuredStore final : public Store {
 public:
  MeasuredStore(std::unique_ptr<Store> store, Metrics& metrics)
      : store_(std::move(store)), metrics_(metrics) {}
  Status Read(const ReadFn& fn) override { return store_->Read(fn); }
  Status Write(const WriteFn& fn) override;
  Status Ping() override { return store_->Ping(); }

 private:
  std::unique_ptr<Store> store_;
  Metrics& metrics_;
};

class MeasuredVoiceCaller final : public VoiceCaller {
 public:
  MeasuredVoiceCaller(std::unique_ptr<VoiceCaller> caller, Metrics& metrics)
      : caller_(std::move(caller)), metrics_(metrics) {}
  CallOutcome Place(const VoiceCall& call) override;

 private:
  std::unique_ptr<VoiceCaller> caller_;
  Metrics& metrics_;
};

}  // namespace senderid::metrics
