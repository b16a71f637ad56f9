#pragma once
// The production voice provider (SPEC §5.1): POSTs the call as JSON to a telephony gateway, signed
// with `X-Senderid-Signature: sha256=<hex HMAC-SHA256 of the raw body>` under a shared secret.
// Thread-safe. A bounded number of calls may be in flight at once so that a dead gateway cannot tie
// up every worker thread: beyond it a call fails at once.

#include <atomic>
#include <chrono>
#include <string>

#include "core/ports/crypto.h"
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
  // `crypto` computes the signature (its HMAC; the secret is the gateway's, not the master key).
  WebhookVoiceCaller(WebhookOptions options, const Crypto& crypto);
  // kRefused on a refused connection, a non-2xx answer or too many calls in flight; kTimedOut when
  // the gateway did not answer within the timeout (it may have dialled).
  CallOutcome Place(const VoiceCall& call) override;

  // "sha256=<hex>": what the gateway should recompute over the body it received.
  std::string Signature(std::string_view body) const;

 private:
  WebhookOptions options_;
  const Crypto& crypto_;
  std::atomic<int> in_flight_{0};
};

}  // namespace senderid
