#include "core/webhooks.h"

#include <array>
#include <utility>

namespace senderid {
namespace {

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
  for (const auto& [v, n] : names)
    if (v == value) return n;
  return "";
}

template <typename E, size_t N>
std::optional<E> ValueOf(const std::array<std::pair<E, std::string_view>, N>& names,
                         std::string_view name) {
  for (const auto& [v, n] : names)
    if (n == name) return v;
  return std::nullopt;
}

constexpr std::array<std::pair<WebhookStatus, std::string_view>, 2> kStatuses = {{
    {WebhookStatus::kEnabled, "ENABLED"},
    {WebhookStatus::kDisabled, "DISABLED"},
}};
constexpr std::array<std::pair<DisabledReason, std::string_view>, 3> kReasons = {{
    {DisabledReason::kGone, "GONE"},
    {DisabledReason::kFailing, "FAILING"},
    {DisabledReason::kCustomer, "CUSTOMER"},
}};
constexpr std::array<std::pair<DeliveryStatus, std::string_view>, 3> kDeliveryStatuses = {{
    {DeliveryStatus::kPending, "PENDING"},
    {DeliveryStatus::kSucceeded, "SUCCEEDED"},
    {DeliveryStatus::kFailed, "FAILED"},
}};
constexpr std::array<std::pair<DeliveryError, std::string_view>, 7> kErrors = {{
    {DeliveryError::kTimeout, "Timeout"},
    {DeliveryError::kConnectionRefused, "ConnectionRefused"},
    {DeliveryError::kConnectionReset, "ConnectionReset"},
    {DeliveryError::kDnsError, "DnsError"},
    {DeliveryError::kTlsError, "TlsError"},
    {DeliveryError::kForbiddenTarget, "ForbiddenTarget"},
    {DeliveryError::kRedirect, "Redirect"},
}};

}  // namespace

std::string_view ToString(WebhookStatus s) { return NameOf(kStatuses, s); }
std::string_view ToString(DisabledReason r) { return NameOf(kReasons, r); }
std::string_view ToString(DeliveryStatus s) { return NameOf(kDeliveryStatuses, s); }
std::string_view ToString(DeliveryError e) { return NameOf(kErrors, e); }
std::optional<WebhookStatus> ParseWebhookStatus(std::string_view s) { return ValueOf(kStatuses, s); }
std::optional<DisabledReason> ParseDisabledReason(std::string_view s) {
  return ValueOf(kReasons, s);
}
std::optional<DeliveryStatus> ParseDeliveryStatus(std::string_view s) {
  return ValueOf(kDeliveryStatuses, s);
}
std::optional<DeliveryError> ParseDeliveryError(std::string_view s) { return ValueOf(kErrors, s); }

std::string WebhookSecretBinding(std::string_view webhook_id, int64_t version) {
  return "webhooks:" + std::string(webhook_id) + ":" + std::to_string(version);
}

}  // namespace senderid
