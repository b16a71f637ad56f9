#include "core/services/delivery_service.h"

#include <utility>

#include "core/ids.h"
#include "core/webhook_signature.h"

namespace senderid {
namespace {

bool Succeeded(const AttemptResult& r) {
  return !r.error && r.response_status && *r.response_status >= 200 && *r.response_status <= 299;
}

}  // namespace

DeliveryService::DeliveryService(Store& store, const Crypto& crypto, const Clock& clock,
                                 Random& random, DeliveryOptions options)
    : store_(store), crypto_(crypto), clock_(clock), random_(random), options_(std::move(options)) {}

Result<std::vector<PendingAttempt>> DeliveryService::Claim(int max) {
  const TimeMs now = clock_.Now();
  const std::string token = RandomHex(random_, 16);
  return WriteValue<std::vector<PendingAttempt>>(
      store_, [&](WriteTx& tx) { return ClaimIn(tx, now, token, max); });
}

Result<DeliveryRound> DeliveryService::Round(const std::vector<AttemptResult>& results, int max) {
  const TimeMs now = clock_.Now();
  const std::string token = RandomHex(random_, 16);
  return WriteValue<DeliveryRound>(store_, [&](WriteTx& tx) -> Result<DeliveryRound> {
    DeliveryRound out;
    for (const AttemptResult& r : results) SID_TRY(RecordOne(tx, r, now, out.recorded));
    if (max > 0) {
      SID_ASSIGN_OR_RETURN(out.claimed, ClaimIn(tx, now, token, max));
    }
    return out;
  });
}

Result<std::vector<PendingAttempt>> DeliveryService::ClaimIn(WriteTx& tx, TimeMs now,
                                                             const std::string& token, int max) {
  std::vector<PendingAttempt> out;
  SID_ASSIGN_OR_RETURN(
      std::vector<Delivery> claimed,
      tx.deliveries().Claim(now, now + options_.lease(), token, max, options_.max_per_webhook));
  for (Delivery& d : claimed) {
    SID_ASSIGN_OR_RETURN(std::optional<Webhook> w, tx.webhooks().Find(d.account_id, d.webhook_id));
    SID_ASSIGN_OR_RETURN(std::optional<EventRecord> e, tx.events().Find(d.account_id, d.event_id));
    if (!w || !e) {
      // Nothing left to deliver (the event was pruned): the record is closed.
      d.status = DeliveryStatus::kFailed;
      d.next_attempt_at.reset();
      d.lease_until.reset();
      d.lease_token.clear();
      d.date_updated = now;
      SID_TRY(tx.deliveries().Update(d));
      continue;
    }
    PendingAttempt a;
    a.url = w->url;
    // A secret that does not open (another master key) makes no attempt: its lease lapses
    // and the record waits, rather than being sent unsigned.
    Result<std::string> current =
        crypto_.Open(w->sealed_secret, WebhookSecretBinding(w->webhook_id, w->secret_version));
    if (!current.ok()) continue;
    std::optional<std::string> key = WebhookSecretKey(*current);
    if (!key) continue;
    a.keys.push_back(std::move(*key));
    if (w->sealed_previous_secret && w->previous_secret_until && *w->previous_secret_until > now) {
      Result<std::string> previous = crypto_.Open(
          *w->sealed_previous_secret, WebhookSecretBinding(w->webhook_id, w->secret_version - 1));
      if (previous.ok())
        if (std::optional<std::string> old = WebhookSecretKey(*previous))
          a.keys.push_back(std::move(*old));
    }
    a.delivery = std::move(d);
    a.event = std::move(*e);
    out.push_back(std::move(a));
  }
  return out;
}

Status DeliveryService::RecordOne(WriteTx& tx, const AttemptResult& r, TimeMs now,
                                  int& recorded) {
  SID_ASSIGN_OR_RETURN(std::optional<Delivery> found, tx.deliveries().Find(r.delivery_id));
  // Deleted with its webhook, or the lease lapsed and someone else holds the record now.
  if (!found || found->status != DeliveryStatus::kPending || found->lease_token != r.lease_token)
    return OkStatus();
  Delivery d = std::move(*found);
  SID_ASSIGN_OR_RETURN(std::optional<Webhook> hook, tx.webhooks().Find(d.account_id, d.webhook_id));
  if (!hook) return OkStatus();
  Webhook w = std::move(*hook);
  const Webhook before = w;

  d.attempt += 1;
  d.run_attempts += 1;
  d.response_status = r.response_status;
  d.error = r.error;
  d.duration_ms = r.duration_ms;
  d.lease_until.reset();
  d.lease_token.clear();
  d.date_updated = now;
  if (Succeeded(r)) {
    d.status = DeliveryStatus::kSucceeded;
    d.next_attempt_at.reset();
    w.failing_since.reset();
  } else {
    const bool gone = !r.error && r.response_status == 410;
    const bool may_defer =
        !r.error && (r.response_status == 429 || r.response_status == 503);
    const std::optional<TimeMs> delay =
        NextRetryDelay(options_.retry, d.run_attempts - 1,
                       may_defer ? r.retry_after : std::nullopt, random_);
    if (gone) {
      // Disabled at once; the record waits PENDING and resumes when the webhook is enabled.
      if (w.status == WebhookStatus::kEnabled) {
        w.status = WebhookStatus::kDisabled;
        w.disabled_reason = DisabledReason::kGone;
      }
      d.status = DeliveryStatus::kPending;
      d.next_attempt_at = now + delay.value_or(0);
    } else if (delay) {
      d.status = DeliveryStatus::kPending;
      d.next_attempt_at = now + *delay;
    } else {
      d.status = DeliveryStatus::kFailed;
      d.next_attempt_at.reset();
    }
    if (w.status == WebhookStatus::kEnabled) {
      const TimeMs at = r.started_at;
      if (!w.failing_since) {
        w.failing_since = at;
      } else if (at - *w.failing_since >= options_.disable_after) {
        w.status = WebhookStatus::kDisabled;
        w.disabled_reason = DisabledReason::kFailing;
      }
    }
  }
  SID_TRY(tx.deliveries().Update(d));
  if (w.status != before.status || w.disabled_reason != before.disabled_reason ||
      w.failing_since != before.failing_since) {
    // Only a change of status shows on the wire as dateUpdated; the FAILING clock is internal.
    if (w.status != before.status) w.date_updated = now;
    SID_TRY(tx.webhooks().Update(w));
  }
  ++recorded;
  return OkStatus();
}

Result<int> DeliveryService::Record(const std::vector<AttemptResult>& results) {
  if (results.empty()) return 0;
  const TimeMs now = clock_.Now();
  return WriteValue<int>(store_, [&](WriteTx& tx) -> Result<int> {
    int recorded = 0;
    for (const AttemptResult& r : results) SID_TRY(RecordOne(tx, r, now, recorded));
    return recorded;
  });
}

Result<std::optional<TimeMs>> DeliveryService::NextDue() {
  return ReadValue<std::optional<TimeMs>>(store_,
                                          [](ReadTx& tx) { return tx.deliveries().NextDue(); });
}

Result<int> DeliveryService::ReleaseLeases() {
  return WriteValue<int>(store_, [](WriteTx& tx) { return tx.deliveries().ReleaseLeases(); });
}

}  // namespace senderid
