#pragma once
// The wire form of SPEC §12: events (as GET /events lists them and webhooks deliver them),
// webhooks, delivery records, and the strict decoding of the webhook endpoints' bodies. Pure
// functions, thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/events.h"
#include "core/services/events_service.h"
#include "core/services/webhooks_service.h"
#include "core/webhooks.h"

namespace senderid::json {

// {"eventId","type","accountId","sequence","dateCreated","data"}: what a webhook POSTs as its body
// and what GET /events lists. `data` is the stored JSON, as is.
std::string EncodeEvent(const EventRecord& event);
// {"data":[Event…],"nextAfter":N}.
std::string EncodeEventPage(const EventPage& page);

// A Webhook; `secret` only when given (create, rotate-secret): listings never carry the key at all.
std::string EncodeWebhook(const Webhook& webhook, const std::string* secret = nullptr);
std::string EncodeWebhooks(const std::vector<Webhook>& webhooks);
// {"data":[Delivery…],"nextKey"}.
std::string EncodeDeliveryPage(const DeliveryPage& page);
// {"queued":N}.
std::string EncodeQueued(int queued);

// ValidationError naming the field, as every decoder of json/ (unknown fields refused, bounds of
// SPEC §12: url ≤ 2,048 bytes, description ≤ 500 characters).
Result<WebhookInput> DecodeCreateWebhook(std::string_view body);
Result<WebhookInput> DecodeUpdateWebhook(std::string_view body);
Result<RedeliverInput> DecodeRedeliver(std::string_view body);

}  // namespace senderid::json
