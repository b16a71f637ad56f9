#include "delivery/webhook_sender.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstring>
#include <vector>

#include "core/net/webhook_url.h"
#include "core/retry_schedule.h"
#include "core/webhook_signature.h"

namespace senderid {
namespace {

// What the curl callbacks of one transfer share.
struct Transfer {
  std::vector<net::IpAddress> allowed;  // the checked addresses: the only ones we connect to
  bool forbidden = false;               // the open-socket hook refused an address
  size_t answer_bytes = 0;
  size_t max_answer_bytes = 0;
  bool truncated = false;               // the answer was longer than we read
  std::optional<std::string> retry_after;
  const std::atomic<bool>* stop = nullptr;
};

curl_socket_t OpenSocket(void* clientp, curlsocktype /*purpose*/, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(clientp);
  net::IpAddress a;
  if (address->family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&address->addr);
    a.family = net::IpAddress::Family::kV4;
    std::memcpy(a.bytes.data(), &sin->sin_addr, 4);
  } else if (address->family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&address->addr);
    a.family = net::IpAddress::Family::kV6;
    std::memcpy(a.bytes.data(), &sin6->sin6_addr, 16);
  } else {
    t->forbidden = true;
    return CURL_SOCKET_BAD;
  }
  bool checked = false;
  for (const net::IpAddress& b : t->allowed) checked = checked || a == b;
  if (!checked) {
    t->forbidden = true;
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

size_t ReadAnswer(char* /*data*/, size_t size, size_t n, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  const size_t bytes = size * n;
  if (t->answer_bytes + bytes > t->max_answer_bytes) {
    t->truncated = true;
    return 0;  // enough read: ends the transfer (CURLE_WRITE_ERROR), the status is known
  }
  t->answer_bytes += bytes;
  return bytes;
}

size_t ReadHeader(char* data, size_t size, size_t n, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  const std::string_view line(data, size * n);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    bool match = true;
    for (size_t i = 0; i < kName.size() && match; ++i) {
      char c = line[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      match = c == kName[i];
    }
    if (match) {
      std::string_view value = line.substr(kName.size());
      while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.remove_suffix(1);
      t->retry_after = std::string(value.substr(0, 64));
    }
  }
  return size * n;
}

int Progress(void* clientp, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* t = static_cast<const Transfer*>(clientp);
  return t->stop->load() ? 1 : 0;
}

DeliveryError ErrorOf(CURLcode rc) {
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT: return DeliveryError::kTimeout;
    case CURLE_COULDNT_RESOLVE_HOST: return DeliveryError::kDnsError;
    case CURLE_COULDNT_CONNECT: return DeliveryError::kConnectionRefused;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_USE_SSL_FAILED: return DeliveryError::kTlsError;
    default: return DeliveryError::kConnectionReset;
  }
}

// "host:port:addr,addr" for CURLOPT_RESOLVE (IPv6 addresses in brackets).
std::string ResolveEntry(const net::WebhookUrl& url, const std::vector<net::IpAddress>& addresses) {
  std::string entry = url.host + ":" + std::to_string(url.port) + ":";
  for (size_t i = 0; i < addresses.size(); ++i) {
    if (i > 0) entry += ',';
    const std::string text = net::ToString(addresses[i]);
    entry += addresses[i].family == net::IpAddress::Family::kV6 ? "[" + text + "]" : text;
  }
  return entry;
}

}  // namespace

WebhookSender::WebhookSender(HostResolver& resolver, const Crypto& crypto, const Clock& clock,
                             SenderOptions options, const std::atomic<bool>& stop)
    : resolver_(resolver), crypto_(crypto), clock_(clock), options_(options), stop_(stop) {
  curl_ = curl_easy_init();
}

WebhookSender::~WebhookSender() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

std::optional<AttemptResult> WebhookSender::Attempt(const PendingAttempt& attempt,
                                                    std::string_view body) {
  const auto started = std::chrono::steady_clock::now();
  AttemptResult r;
  r.delivery_id = attempt.delivery.delivery_id;
  r.lease_token = attempt.delivery.lease_token;
  r.started_at = clock_.Now();
  const auto finish = [&](std::optional<DeliveryError> error) {
    r.error = error;
    r.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    return std::optional<AttemptResult>(r);
  };

  // The target, checked now (the answer at creation may no longer hold).
  Result<net::WebhookUrl> url = net::ParseWebhookUrl(attempt.url);
  if (!url.ok()) return finish(DeliveryError::kForbiddenTarget);
  Transfer t;
  t.max_answer_bytes = options_.max_answer_bytes;
  t.stop = &stop_;
  if (url->address) {
    t.allowed.push_back(*url->address);
  } else {
    const Resolution found = resolver_.Resolve(url->host, options_.lookup_timeout);
    if (found.outcome != Resolution::Outcome::kResolved) return finish(DeliveryError::kDnsError);
    t.allowed = found.addresses;
  }
  if (!options_.allow_private)
    for (const net::IpAddress& a : t.allowed)
      if (!net::IsGlobalUnicast(a)) return finish(DeliveryError::kForbiddenTarget);
  if (stop_.load()) return std::nullopt;
  if (curl_ == nullptr) return finish(DeliveryError::kConnectionReset);

  CURL* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);  // options only: the connection cache stays for keep-alive
  const std::string timestamp = std::to_string(r.started_at / kSecond);
  const std::string& id = attempt.event.event_id;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "content-type: application/json");
  headers = curl_slist_append(headers, ("webhook-id: " + id).c_str());
  headers = curl_slist_append(headers, ("webhook-timestamp: " + timestamp).c_str());
  headers = curl_slist_append(
      headers, ("webhook-signature: " +
                WebhookSignatureHeader(crypto_, attempt.keys, id, timestamp, body))
                   .c_str());
  headers = curl_slist_append(headers, "user-agent: senderid-webhooks/1");
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  curl_slist* pinned = nullptr;
  if (!url->address) {
    // Forget what an earlier attempt pinned for this host, then pin what was checked now.
    pinned = curl_slist_append(pinned, ("-" + url->host + ":" + std::to_string(url->port)).c_str());
    pinned = curl_slist_append(pinned, ResolveEntry(*url, t.allowed).c_str());
  }
  const long timeout_ms = static_cast<long>(options_.timeout);
  curl_easy_setopt(curl, CURLOPT_URL, attempt.url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (pinned != nullptr) curl_easy_setopt(curl, CURLOPT_RESOLVE, pinned);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, OpenSocket);
  curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &t);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROXY, "");     // never a proxy from the environment
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, ReadAnswer);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, ReadHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, Progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_slist_free_all(pinned);
  // The lists are freed: nothing of this transfer may be used by the next (reset above too).
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_RESOLVE, nullptr);

  if (rc == CURLE_ABORTED_BY_CALLBACK && stop_.load()) return std::nullopt;
  if (rc == CURLE_WRITE_ERROR && t.truncated) rc = CURLE_OK;  // we stopped reading, on purpose
  if (t.forbidden) return finish(DeliveryError::kForbiddenTarget);
  if (rc != CURLE_OK) return finish(ErrorOf(rc));
  r.response_status = static_cast<int>(status);
  if (t.retry_after) r.retry_after = ParseRetryAfter(*t.retry_after, r.started_at);
  if (status >= 300 && status <= 399) return finish(DeliveryError::kRedirect);
  return finish(std::nullopt);
}

}  // namespace senderid
