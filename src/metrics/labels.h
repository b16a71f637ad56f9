#pragma once
// The label values of senderid's metrics (SPEC §14), each from a small fixed set, so that no
// request — however odd its path or method — can add a time series: Prometheus keeps every
// distinct label set forever. Pure functions.

#include <optional>
#include <string>
#include <string_view>

#include "core/ports/voice_caller.h"
#include "core/webhooks.h"

namespace senderid::metrics {

// The `route` of a path no route has (404, or a request that could not be parsed).
inline constexpr std::string_view kUnmatchedRoute = "unmatched";

// A route template as is; "" (nothing matched) is kUnmatchedRoute.
std::string_view RouteLabel(std::string_view route_template);
// GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS as sent; any other method "_OTHER" (as
// OpenTelemetry's http.request.method does).
std::string_view MethodLabel(std::string_view method);
// placed, refused, timed_out.
std::string_view CallOutcomeLabel(CallOutcome outcome);
// succeeded (2xx), http_4xx, http_5xx, http_other (any other answer), or the error in snake
// case: timeout, connection_refused, connection_reset, dns_error, tls_error, forbidden_target,
// redirect.
std::string WebhookOutcomeLabel(std::optional<int> status, std::optional<DeliveryError> error);

}  // namespace senderid::metrics
