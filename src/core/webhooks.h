#pragma once
// Webhooks and their delivery records (SPEC §12) as plain values; the rules live in
// core/services/webhooks_service and core/services/delivery_service, storage behind
// core/ports/webhooks_repository.h and deliveries_repository.h, the wire form in json/.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/events.h"
#include "core/time.h"

namespace senderid {

enum class WebhookStatus { kEnabled, kDisabled };
// Why a webhook is DISABLED: it answered 410 (kGone), every attempt failed for
// --webhook-disable-after (kFailing), or the customer switched it off (kCustomer).
enum class DisabledReason { kGone, kFailing, kCustomer };

std::string_view ToString(WebhookStatus s);
std::string_view ToString(DisabledReason r);
std::optional<WebhookStatus> ParseWebhookStatus(std::string_view s);
std::optional<DisabledReason> ParseDisabledReason(std::string_view s);

struct Webhook {
  std::string webhook_id;  // WHK…
  std::string account_id;
  std::string url;                  // as the customer wrote it
  std::vector<std::string> types;   // type patterns (core/events.h), ["*"] by default
  std::optional<std::string> description;
  WebhookStatus status = WebhookStatus::kEnabled;
  std::optional<DisabledReason> disabled_reason;
  // The signing secrets, sealed (Crypto::Seal bound to WebhookSecretBinding(id, version)): the
  // current one, and after a rotation the one before it, which keeps signing until
  // previous_secret_until (24 h after that rotation).
  int64_t secret_version = 1;
  std::string sealed_secret;
  std::optional<std::string> sealed_previous_secret;
  std::optional<TimeMs> previous_secret_until;
  // The first failed attempt after the later of the last success and the last enable (the
  // FAILING clock), or unset.
  std::optional<TimeMs> failing_since;
  TimeMs date_created = 0;
  TimeMs date_updated = 0;
};

// What seals secret number `version` of a webhook to its row.
std::string WebhookSecretBinding(std::string_view webhook_id, int64_t version);

enum class DeliveryStatus { kPending, kSucceeded, kFailed };
// What went wrong with an attempt that got no HTTP answer to judge (SPEC §12), or kRedirect for a
// 3xx. A non-2xx answer has no error: its status says it.
enum class DeliveryError {
  kTimeout,
  kConnectionRefused,
  kConnectionReset,
  kDnsError,
  kTlsError,
  kForbiddenTarget,
  kRedirect,
};

std::string_view ToString(DeliveryStatus s);
std::string_view ToString(DeliveryError e);
std::optional<DeliveryStatus> ParseDeliveryStatus(std::string_view s);
std::optional<DeliveryError> ParseDeliveryError(std::string_view s);

// One record per (event, webhook).
struct Delivery {
  std::string delivery_id;  // DLV…
  std::string webhook_id;
  std::string account_id;
  std::string event_id;
  EventType event_type = EventType::kSenderIdCreated;
  DeliveryStatus status = DeliveryStatus::kPending;
  int attempt = 0;       // attempts made so far, over every run
  int run_attempts = 0;  // attempts since the schedule (re)started (creation or redeliver)
  std::optional<int> response_status;  // of the latest attempt
  std::optional<DeliveryError> error;  // of the latest attempt
  std::optional<int64_t> duration_ms;  // of the latest attempt
  std::optional<TimeMs> next_attempt_at;  // set while PENDING
  // A claim: the attempt belongs to whoever holds lease_token until lease_until.
  std::optional<TimeMs> lease_until;
  std::string lease_token;
  TimeMs date_created = 0;
  TimeMs date_updated = 0;
};

}  // namespace senderid
