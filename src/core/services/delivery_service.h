#pragma once
// The rules of webhook delivery (SPEC §12), without the network: what the delivery worker
// (src/delivery) may attempt now, and what an attempt's outcome does to its record and its
// webhook. The worker claims, POSTs and reports; this service decides. Thread-safe.
//
//  - Claim leases due records (max(30 s, 2 × timeout)) through the store's Claim, at most
//    max_per_webhook at once per webhook across every instance, and hands out each with its
//    event and its signing keys (the current secret and, for 24 h after a rotation, the previous).
//  - Record stores outcomes in one transaction, each only if its lease is still the caller's (an
//    attempt whose lease lapsed may have been taken over: at least once, never recorded twice).
//    2xx → SUCCEEDED; otherwise the next retry of the schedule (jittered; a longer Retry-After on
//    429/503 honoured), or FAILED after the last. 410 disables the webhook at once (GONE) and
//    leaves the record PENDING for when it is enabled again. A webhook whose attempts all failed
//    for disable_after since the later of its last success and its last enable is disabled
//    (FAILING), checked at each failed attempt. Disabled webhooks' records wait PENDING.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/events.h"
#include "core/ports/clock.h"
#include "core/ports/crypto.h"
#include "core/ports/random.h"
#include "core/ports/store.h"
#include "core/retry_schedule.h"
#include "core/webhooks.h"

namespace senderid {

struct DeliveryOptions {
  RetryPolicy retry;
  TimeMs timeout = 15 * kSecond;        // --webhook-timeout: connect + answer of one attempt
  TimeMs disable_after = 5 * kDay;      // --webhook-disable-after
  int max_per_webhook = 4;              // attempts at once per webhook (SPEC §12)
  // A claim holds this long: an attempt can never outlive it (SPEC §11).
  TimeMs lease() const { return timeout * 2 > 30 * kSecond ? timeout * 2 : 30 * kSecond; }
};

// One claimed attempt, with everything the worker needs to make it.
struct PendingAttempt {
  Delivery delivery;              // as leased (lease_token is the claim's)
  std::string url;
  std::vector<std::string> keys;  // raw signing keys, newest first
  EventRecord event;
};

// What one attempt came to.
struct AttemptResult {
  std::string delivery_id;
  std::string lease_token;
  TimeMs started_at = 0;
  int64_t duration_ms = 0;
  std::optional<int> response_status;  // the HTTP status, when an answer came
  std::optional<DeliveryError> error;  // set when no answer to judge came (or a 3xx)
  std::optional<TimeMs> retry_after;   // the receiver's Retry-After as a delay, if it sent one
};

// What one dispatcher round did (DeliveryService::Round).
struct DeliveryRound {
  int recorded = 0;                     // outcomes stored (those whose lease was still theirs)
  std::vector<PendingAttempt> claimed;  // leased in the same transaction
};

class DeliveryService {
 public:
  DeliveryService(Store& store, const Crypto& crypto, const Clock& clock, Random& random,
                  DeliveryOptions options);

  // Leases up to `max` due records. A record whose event is gone (pruned) is closed FAILED.
  Result<std::vector<PendingAttempt>> Claim(int max);
  // Stores the outcomes (one transaction); those whose lease is no longer theirs are dropped.
  // Returns how many were stored.
  Result<int> Record(const std::vector<AttemptResult>& results);
  // Record and then Claim in one write transaction: the delivery worker's round, one store
  // transaction instead of two. The slots the outcomes free (a webhook's cap) count for the claim.
  // A failure stores nothing and claims nothing (the outcomes' leases lapse: at least once).
  Result<DeliveryRound> Round(const std::vector<AttemptResult>& results, int max);
  // When a record may next be due (see DeliveriesReader::NextDue).
  Result<std::optional<TimeMs>> NextDue();
  // Ends every lease: at start, when this process is known to be the store's only deliverer.
  Result<int> ReleaseLeases();

  const DeliveryOptions& options() const { return options_; }

 private:
  Result<std::vector<PendingAttempt>> ClaimIn(WriteTx& tx, TimeMs now, const std::string& token,
                                              int max);
  Status RecordOne(WriteTx& tx, const AttemptResult& result, TimeMs now, int& recorded);

  Store& store_;
  const Crypto& crypto_;
  const Clock& clock_;
  Random& random_;
  DeliveryOptions options_;
};

}  // namespace senderid
