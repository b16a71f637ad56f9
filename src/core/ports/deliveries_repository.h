#pragma once
// Delivery records of webhooks (SPEC §12): one per (event, webhook), the outbox the delivery worker
// drains. Inside a store transaction (see store.h). Created by core/lifecycle in the transaction of
// their event (and by redeliver), claimed and updated by the delivery service.
//
// Claiming is the adapter's part of "one attempt by one instance" (SPEC §11): concurrent Claim
// calls — threads, processes or instances — never return the same delivery while its lease holds,
// and a lease that has lapsed (its holder died mid-attempt) is taken over by the next Claim.
// Whoever completes an attempt checks, in its own transaction, that lease_token is still its own.
//  - SQLite: Claim runs in a write transaction on the single writer, which serialises claimers.
//  - PostgreSQL (store/postgres, to come): the due rows are picked with
//      SELECT d.delivery_id FROM deliveries d JOIN webhooks w USING (webhook_id)
//       WHERE d.status = 'PENDING' AND d.next_attempt_at <= $now
//         AND (d.lease_until IS NULL OR d.lease_until <= $now) AND w.status = 'ENABLED'
//       ORDER BY d.next_attempt_at LIMIT $scan
//       FOR UPDATE OF d SKIP LOCKED
//    so that instances claiming at once skip each other's rows instead of waiting; the
//    per-webhook cap counts the webhook's rows whose lease still holds after locking the webhook
//    rows concerned (SELECT … FROM webhooks WHERE webhook_id = ANY($ids) FOR UPDATE), so two
//    instances cannot both see "3 in flight" and take one more each; then UPDATE … SET
//    lease_until, lease_token for the chosen rows, in the same transaction.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/webhooks.h"

namespace senderid {

// Which of a webhook's records a listing wants (SPEC §12 endpoint 20).
struct DeliveryFilter {
  std::optional<std::string> event_id;
  std::optional<std::string> start_key;  // a deliveryId, inclusive upper bound (newest first)
  int limit = 20;
};

class DeliveriesReader {
 public:
  virtual ~DeliveriesReader() = default;
  virtual Result<std::optional<Delivery>> Find(std::string_view delivery_id) = 0;
  // The webhook's record of an event, or nullopt.
  virtual Result<std::optional<Delivery>> FindByEvent(std::string_view webhook_id,
                                                      std::string_view event_id) = 0;
  // The webhook's records, delivery_id descending (newest first), filtered, at most f.limit.
  virtual Result<std::vector<Delivery>> List(std::string_view webhook_id,
                                             const DeliveryFilter& f) = 0;
  // The earliest next_attempt_at of a PENDING record of an ENABLED webhook (leased or not), or
  // nullopt when there is none: when the worker should look again.
  virtual Result<std::optional<TimeMs>> NextDue() = 0;
  // The earliest date_created of a PENDING record of an ENABLED webhook, or nullopt when there is
  // none: how long the oldest event still to deliver has waited (the webhook backlog, SPEC §14).
  // Records of disabled webhooks wait for their customer, not for the server, and do not count.
  virtual Result<std::optional<TimeMs>> OldestPending() = 0;
};

class DeliveriesRepository : public DeliveriesReader {
 public:
  // kAlreadyExists when the id or the (webhook, event) pair is taken; kInternalError for an
  // unknown webhook.
  virtual Status Insert(const Delivery& delivery) = 0;
  // Stores every field of an existing record but its ids, event and date_created.
  virtual Status Update(const Delivery& delivery) = 0;
  // Leases up to `max` (≥ 1) PENDING records with next_attempt_at <= now of ENABLED webhooks whose
  // lease is unset or lapsed (lease_until <= now), earliest next_attempt_at first, taking at most
  // `max_per_webhook` minus the webhook's records whose lease still holds (lease_until > now).
  // Sets lease_until and lease_token on them and returns them as stored.
  virtual Result<std::vector<Delivery>> Claim(TimeMs now, TimeMs lease_until,
                                              std::string_view lease_token, int max,
                                              int max_per_webhook) = 0;
  // Clears every lease, whoever holds it; how many. Only for a store that a single instance
  // serves (the SQLite store under serve's instance lock), where no other holder can be alive.
  virtual Result<int> ReleaseLeases() = 0;
  // Forgets the records created before `before`; how many.
  virtual Result<int> Prune(TimeMs before) = 0;
};

}  // namespace senderid
