#include "metrics/labels.h"

#include <gtest/gtest.h>

namespace senderid::metrics {
namespace {

TEST(MetricsLabels, RoutesAreTemplatesAndNothingMatchedIsOneValue) {
  EXPECT_EQ(RouteLabel("/senderid/v1/numbers/{phoneNumber}"), "/senderid/v1/numbers/{phoneNumber}");
  EXPECT_EQ(RouteLabel(""), "unmatched");
}

TEST(MetricsLabels, UnknownMethodsShareOneValue) {
  const struct {
    std::string_view method, label;
  } cases[] = {
      {"GET", "GET"},       {"HEAD", "HEAD"},   {"POST", "POST"},       {"PUT", "PUT"},
      {"DELETE", "DELETE"}, {"PATCH", "PATCH"}, {"OPTIONS", "OPTIONS"}, {"get", "_OTHER"},
      {"BREW", "_OTHER"},   {"-", "_OTHER"},    {"", "_OTHER"},         {"PROPFIND", "_OTHER"},
  };
  for (const auto& c : cases) EXPECT_EQ(MethodLabel(c.method), c.label) << c.method;
}

TEST(MetricsLabels, CallOutcomes) {
  EXPECT_EQ(CallOutcomeLabel(CallOutcome::kPlaced), "placed");
  EXPECT_EQ(CallOutcomeLabel(CallOutcome::kRefused), "refused");
  EXPECT_EQ(CallOutcomeLabel(CallOutcome::kTimedOut), "timed_out");
}

TEST(MetricsLabels, WebhookOutcomesByAnswerClassOrError) {
  const struct {
    std::optional<int> status;
    std::optional<DeliveryError> error;
    std::string label;
  } cases[] = {
      {200, std::nullopt, "succeeded"},
      {204, std::nullopt, "succeeded"},
      {299, std::nullopt, "succeeded"},
      {404, std::nullopt, "http_4xx"},
      {410, std::nullopt, "http_4xx"},
      {503, std::nullopt, "http_5xx"},
      {100, std::nullopt, "http_other"},
      {std::nullopt, std::nullopt, "http_other"},
      // An error wins over a status (a 3xx comes with kRedirect).
      {302, DeliveryError::kRedirect, "redirect"},
      {std::nullopt, DeliveryError::kTimeout, "timeout"},
      {std::nullopt, DeliveryError::kConnectionRefused, "connection_refused"},
      {std::nullopt, DeliveryError::kConnectionReset, "connection_reset"},
      {std::nullopt, DeliveryError::kDnsError, "dns_error"},
      {std::nullopt, DeliveryError::kTlsError, "tls_error"},
      {std::nullopt, DeliveryError::kForbiddenTarget, "forbidden_target"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(WebhookOutcomeLabel(c.status, c.error), c.label)
        << c.status.value_or(-1) << " " << (c.error ? ToString(*c.error) : "-");
}

}  // namespace
}  // namespace senderid::metrics
