#pragma once
// One webhook attempt over HTTP (SPEC §12), with libcurl: resolves the target's host (or takes its
// address literal), refuses it unless every address is global unicast (--webhook-allow-private
// aside), pins the connection to exactly those addresses (CURLOPT_RESOLVE, so curl makes no
// lookup of its own, and an open-socket hook that refuses any other address, so DNS rebinding
// cannot slip past), and POSTs the event with the Standard Webhooks headers. Success is a 2xx
// within the timeout (connect + answer); redirects are not followed (3xx → Redirect); no proxy
// from the environment is ever used; at most 64 KiB of the answer is read, and discarded.
//
// Not thread-safe: one sender per thread. It keeps one curl handle, so that attempts to the same
// receiver reuse their connection. `stop` aborts a transfer in flight (within about a second).

#include <atomic>
#include <optional>
#include <string>
#include <string_view>

#include "core/ports/clock.h"
#include "core/ports/crypto.h"
#include "core/ports/host_resolver.h"
#include "core/services/delivery_service.h"

namespace senderid {

struct SenderOptions {
  TimeMs timeout = 15 * kSecond;     // --webhook-timeout
  bool allow_private = false;        // --webhook-allow-private
  TimeMs lookup_timeout = 2 * kSecond;
  size_t max_answer_bytes = 64 * 1024;
};

class WebhookSender {
 public:
  WebhookSender(HostResolver& resolver, const Crypto& crypto, const Clock& clock,
                SenderOptions options, const std::atomic<bool>& stop);
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // POSTs `body` (the event JSON) for `attempt`. nullopt when `stop` cut it short: then nothing is
  // to be recorded (the lease lapses, or is released at the next start).
  std::optional<AttemptResult> Attempt(const PendingAttempt& attempt, std::string_view body);

 private:
  HostResolver& resolver_;
  const Crypto& crypto_;
  const Clock& clock_;
  const SenderOptions options_;
  const std::atomic<bool>& stop_;
  void* curl_ = nullptr;  // CURL*, kept out of this header
};

}  // namespace senderid
