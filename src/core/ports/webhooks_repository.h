#pragma once
// Webhooks (SPEC §12) inside a store transaction (see store.h). Written by the webhooks service
// (customer CRUD) and the delivery service (disabling on 410 or after --webhook-disable-after); read
// by core/lifecycle, which queues a delivery for every ENABLED webhook whose types match an event.

#include <optional>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/webhooks.h"

namespace senderid {

class WebhooksReader {
 public:
  virtual ~WebhooksReader() = default;
  // The account's webhook, or nullopt (also for another account's id).
  virtual Result<std::optional<Webhook>> Find(std::string_view account_id,
                                              std::string_view webhook_id) = 0;
  // The account's webhooks by date_created ascending (ties by webhook_id).
  virtual Result<std::vector<Webhook>> List(std::string_view account_id) = 0;
};

class WebhooksRepository : public WebhooksReader {
 public:
  // kAlreadyExists when the id is taken; kInternalError for an unknown account.
  virtual Status Insert(const Webhook& webhook) = 0;
  // Stores every field of an existing webhook but its ids and date_created.
  virtual Status Update(const Webhook& webhook) = 0;
  // Removes the webhook and every delivery record of it.
  virtual Status Delete(std::string_view webhook_id) = 0;
};

}  // namespace senderid
