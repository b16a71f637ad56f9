#include "voice/webhook/webhook_voice_caller.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include "core/hex.h"
#include "voice/call_payload.h"

namespace senderid {
namespace {

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

// The reason goes to the server log; the client learns only that the call failed.
CallOutcome Failed(std::string_view why, CallOutcome outcome = CallOutcome::kRefused) {
  spdlog::warn("voice webhook failed: {}", why);
  return outcome;
}

}  // namespace

WebhookVoiceCaller::WebhookVoiceCaller(WebhookOptions options, const Crypto& crypto)
    : options_(std::move(options)), crypto_(crypto) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

std::string WebhookVoiceCaller::Signature(std::string_view body) const {
  return "sha256=" + ToHex(crypto_.Hmac(MacAlgorithm::kHmacSha256, options_.secret, body));
}

CallOutcome WebhookVoiceCaller::Place(const VoiceCall& call) {
  if (in_flight_.fetch_add(1) >= options_.max_in_flight) {
    in_flight_.fetch_sub(1);
    return Failed("too many calls in flight");
  }
  struct Release {
    std::atomic<int>& n;
    ~Release() { n.fetch_sub(1); }
  } release{in_flight_};

  const std::string body = EncodeCallPayload(call);
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Failed("curl_easy_init");
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json; charset=utf-8");
  headers = curl_slist_append(
      headers, ("X-Senderid-Signature: " + Signature(body)).c_str());
  headers = curl_slist_append(headers, ("X-Senderid-Transaction-Id: " + call.transaction_id).c_str());
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  const long timeout_ms = static_cast<long>(options_.timeout.count());
  curl_easy_setopt(curl, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_PROXY, "");  // never a proxy from the environment
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  long request_bytes = 0;  // of the request that went out: 0 when it never reached the gateway
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(curl, CURLINFO_REQUEST_SIZE, &request_bytes);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  // A timeout after the request went out may have been dialled (SPEC §5.1); a refused connection,
  // or one that timed out before the request was sent, never reached the gateway.
  if (rc == CURLE_OPERATION_TIMEDOUT && request_bytes > 0)
    return Failed("timed out", CallOutcome::kTimedOut);
  if (rc != CURLE_OK) return Failed(curl_easy_strerror(rc));
  if (status < 200 || status > 299) return Failed("gateway answered HTTP " + std::to_string(status));
  return CallOutcome::kPlaced;
}

}  // namespace senderid
