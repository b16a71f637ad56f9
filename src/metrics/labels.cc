#include "metrics/labels.h"

#include <array>
#include <cctype>

namespace senderid::metrics {

std::string_view RouteLabel(std::string_view route_template) {
  return route_template.empty() ? kUnmatchedRoute : route_template;
}

std::string_view MethodLabel(std::string_view method) {
  static constexpr std::array<std::string_view, 7> kKnown = {"GET",    "HEAD",  "POST",   "PUT",
                                                             "DELETE", "PATCH", "OPTIONS"};
  for (std::string_view known : kKnown)
    if (method == known) return known;
  return "_OTHER";
}

std::string_view CallOutcomeLabel(CallOutcome outcome) {
  switch (outcome) {
    case CallOutcome::kPlaced:
      return "placed";
    case CallOutcome::kRefused:
      return "refused";
    case CallOutcome::kTimedOut:
      return "timed_out";
  }
  return "refused";
}

std::string WebhookOutcomeLabel(std::optional<int> status, std::optional<DeliveryError> error) {
  if (error) {
    // "ConnectionRefused" → "connection_refused".
    std::string out;
    for (const char c : ToString(*error)) {
      const auto b = static_cast<unsigned char>(c);
      if (std::isupper(b) && !out.empty()) out += '_';
      out += static_cast<char>(std::tolower(b));
    }
    return out;
  }
  if (!status) return "http_other";
  if (*status >= 200 && *status <= 299) return "succeeded";
  if (*status >= 400 && *status <= 499) return "http_4xx";
  if (*status >= 500 && *status <= 599) return "http_5xx";
  return "http_other";
}

}  // namespace senderid::metrics
