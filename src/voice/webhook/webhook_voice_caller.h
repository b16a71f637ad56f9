#pragma once
// The production voice provider (SPEC §5.1): POSTs the call as JSON to a telephony gateway, signed
// with `X-Senderid-Signature: sha256=<hex HMAC-SHA256 of the raw body>` under a shared secret.
// Thread-safe. A bounded number of calls may be in flight at once so that a dead gateway cannot tie
// up every worker thread: beyond it a call fails at once.

#include <atomic>
#include <chrono>
#include <string>

#include "core/ports/voice_caller.h"

namespace senderid {

struct WebhookOptions {
  std::string url;
  std::string secret;
  std::chrono::milliseconds timeout{5000};  // connect + whole exchange
  int max_in_flight = 4;
};

class WebhookVoiceCaller final : public VoiceCaller {
 public:
  explicit WebhookVoiceCaller(WebhookOptions options);
  // kVoiceCallFailed on a refused connection, a timeout or a non-2xx answer.
  Status Place(const VoiceCall& call) override;

  // "sha256=<hex>": what the gateway should recompute over the body it received.
  static std::string Signature(std::string_view secret, std::string_view body);

 private:
  WebhookOptions options_;
  std::atomic<int> in_flight_{0};
};

}  // namespace senderid
