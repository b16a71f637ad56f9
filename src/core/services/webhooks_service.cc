#include "core/services/webhooks_service.h"

#include <algorithm>
#include <utility>

#include "core/bounds.h"
#include "core/catalogue.h"
#include "core/ids.h"
#include "core/net/webhook_url.h"
#include "core/webhook_signature.h"

namespace senderid {
namespace {

Error InvalidWebhook() {
  return Error(ErrorCode::kInvalidWebhookId, std::string(text::message::kInvalidWebhookId));
}

Error Invalid(std::string why) { return Error(ErrorCode::kValidationError, std::move(why)); }

Result<Webhook> LoadWebhook(ReadTx& tx, const std::string& account_id,
                            std::string_view webhook_id) {
  SID_ASSIGN_OR_RETURN(std::optional<Webhook> w, tx.webhooks().Find(account_id, webhook_id));
  if (!w) return InvalidWebhook();
  return std::move(*w);
}

// The first few ids of a list, for an error message of bounded size.
std::string Named(const std::vector<std::string>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size() && i < 5; ++i) {
    if (!out.empty()) out += ", ";
    out += ids[i].substr(0, 40);
  }
  if (ids.size() > 5) out += ", …";
  return out;
}

}  // namespace

WebhooksService::WebhooksService(Store& store, const Crypto& crypto, const Clock& clock,
                                 Random& random, HostResolver& resolver, WebhooksServiceOptions options)
    : store_(store),
      crypto_(crypto),
      clock_(clock),
      random_(random),
      resolver_(resolver),
      options_(options) {}

Status WebhooksService::CheckTarget(const std::string& url) {
  SID_ASSIGN_OR_RETURN(net::WebhookUrl parsed, net::ParseWebhookUrl(url));
  if (options_.allow_private) return OkStatus();
  std::vector<net::IpAddress> addresses;
  if (parsed.address) {
    addresses.push_back(*parsed.address);
  } else {
    const Resolution r = resolver_.Resolve(parsed.host, options_.lookup_timeout);
    // A name that does not resolve (now) is accepted: its attempts will fail DnsError, and each
    // attempt checks again what it connects to.
    if (r.outcome != Resolution::Outcome::kResolved) return OkStatus();
    addresses = r.addresses;
  }
  for (const net::IpAddress& a : addresses) {
    const std::string_view reason = net::NonGlobalReason(a);
    if (!reason.empty())
      return Invalid("'url' must reach a public address; " + parsed.host + " is " +
                     std::string(reason) + " (" + net::ToString(a) + ")");
  }
  return OkStatus();
}

Status WebhooksService::CheckTypes(const std::vector<std::string>& types) {
  if (types.empty()) return Invalid("'types' must list at least one type pattern");
  if (types.size() > options_.max_types)
    return Invalid("'types' must list at most " + std::to_string(options_.max_types) + " patterns");
  for (const std::string& t : types)
    if (!IsEventTypePattern(t))
      return Invalid("'types': '" + t.substr(0, 64) +
                     "' is not an event type, '<first segment>.*' of one, or '*'");
  return OkStatus();
}

Result<WebhookWithSecret> WebhooksService::Create(const std::string& account_id,
                                                  const WebhookInput& input) {
  if (!input.url) return Invalid("'url' is required");
  std::vector<std::string> types = input.types.value_or(std::vector<std::string>{"*"});
  SID_TRY(CheckTypes(types));
  std::vector<std::string> unique;
  for (std::string& t : types)
    if (std::find(unique.begin(), unique.end(), t) == unique.end()) unique.push_back(std::move(t));
  if (input.description && bounds::CodePoints(*input.description) > options_.max_description_chars)
    return Invalid("'description' must be at most " +
                   std::to_string(options_.max_description_chars) + " characters");
  if (input.status)
    return Invalid("'status' cannot be set at creation (a new webhook is ENABLED)");
  // The lookup may take a while: outside the transaction.
  SID_TRY(CheckTarget(*input.url));

  const TimeMs now = clock_.Now();
  WebhookWithSecret out;
  out.secret = NewWebhookSecret(random_);
  Webhook& w = out.webhook;
  w.webhook_id = NewId(kWebhookPrefix, now, random_);
  w.account_id = account_id;
  w.url = *input.url;
  w.types = std::move(unique);
  w.description = input.description;
  w.status = WebhookStatus::kEnabled;
  w.secret_version = 1;
  w.sealed_secret = crypto_.Seal(out.secret, WebhookSecretBinding(w.webhook_id, 1));
  w.date_created = now;
  w.date_updated = now;
  SID_TRY(store_.Write([&](WriteTx& tx) -> Status {
    // Counted in the transaction that inserts: the cap holds however many creates race.
    SID_ASSIGN_OR_RETURN(std::vector<Webhook> existing, tx.webhooks().List(account_id));
    if (static_cast<int>(existing.size()) >= options_.max_per_account)
      return Error(ErrorCode::kLimitExceeded,
                   std::string(text::message::kWebhookLimitExceeded) + " (최대 " +
                       std::to_string(options_.max_per_account) + "개)");
    return tx.webhooks().Insert(w);
  }));
  return out;
}

Result<std::vector<Webhook>> WebhooksService::List(const std::string& account_id) {
  return ReadValue<std::vector<Webhook>>(store_,
                                         [&](ReadTx& tx) { return tx.webhooks().List(account_id); });
}

Result<Webhook> WebhooksService::Get(const std::string& account_id, std::string_view webhook_id) {
  return ReadValue<Webhook>(store_,
                            [&](ReadTx& tx) { return LoadWebhook(tx, account_id, webhook_id); });
}

Result<Webhook> WebhooksService::Update(const std::string& account_id,
                                        std::string_view webhook_id, const WebhookInput& input) {
  std::vector<std::string> types;
  if (input.types) {
    SID_TRY(CheckTypes(*input.types));
    for (const std::string& t : *input.types)
      if (std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
  }
  if (input.has_description && input.description &&
      bounds::CodePoints(*input.description) > options_.max_description_chars)
    return Invalid("'description' must be at most " +
                   std::to_string(options_.max_description_chars) + " characters");
  // An unknown id is answered as such before a slow lookup of the new URL.
  SID_TRY(Get(account_id, webhook_id));
  if (input.url) SID_TRY(CheckTarget(*input.url));
  const TimeMs now = clock_.Now();
  return WriteValue<Webhook>(store_, [&](WriteTx& tx) -> Result<Webhook> {
    SID_ASSIGN_OR_RETURN(Webhook w, LoadWebhook(tx, account_id, webhook_id));
    const Webhook before = w;
    if (input.url) w.url = *input.url;
    if (input.types) w.types = types;
    if (input.has_description) w.description = input.description;
    if (input.status == WebhookStatus::kEnabled) {
      // Whatever disabled it: enabled again, with a fresh FAILING clock (SPEC §12).
      w.status = WebhookStatus::kEnabled;
      w.disabled_reason.reset();
      if (before.status != WebhookStatus::kEnabled) w.failing_since.reset();
    } else if (input.status == WebhookStatus::kDisabled && before.status == WebhookStatus::kEnabled) {
      w.status = WebhookStatus::kDisabled;
      w.disabled_reason = DisabledReason::kCustomer;
    }
    const bool changed = w.url != before.url || w.types != before.types ||
                         w.description != before.description || w.status != before.status ||
                         w.disabled_reason != before.disabled_reason;
    if (!changed) return w;
    w.date_updated = now;
    SID_TRY(tx.webhooks().Update(w));
    return w;
  });
}

Result<Webhook> WebhooksService::Delete(const std::string& account_id,
                                        std::string_view webhook_id) {
  return WriteValue<Webhook>(store_, [&](WriteTx& tx) -> Result<Webhook> {
    SID_ASSIGN_OR_RETURN(Webhook w, LoadWebhook(tx, account_id, webhook_id));
    SID_TRY(tx.webhooks().Delete(w.webhook_id));
    return w;
  });
}

Result<WebhookWithSecret> WebhooksService::RotateSecret(const std::string& account_id,
                                                        std::string_view webhook_id) {
  const TimeMs now = clock_.Now();
  const std::string secret = NewWebhookSecret(random_);
  return WriteValue<WebhookWithSecret>(store_, [&](WriteTx& tx) -> Result<WebhookWithSecret> {
    SID_ASSIGN_OR_RETURN(Webhook w, LoadWebhook(tx, account_id, webhook_id));
    // The current secret becomes the previous one (sealed under its own version, so it stays
    // readable); one rotated earlier is forgotten: only the two newest sign.
    w.sealed_previous_secret = w.sealed_secret;
    w.previous_secret_until = now + options_.rotation_overlap;
    w.secret_version += 1;
    w.sealed_secret = crypto_.Seal(secret, WebhookSecretBinding(w.webhook_id, w.secret_version));
    w.date_updated = now;
    SID_TRY(tx.webhooks().Update(w));
    return WebhookWithSecret{std::move(w), secret};
  });
}

Result<DeliveryPage> WebhooksService::ListDeliveries(const std::string& account_id,
                                                     std::string_view webhook_id,
                                                     DeliveryFilter f) {
  if (f.limit < 1 || f.limit > 1000)
    return Invalid(std::string(text::invalid::kLimitRange));
  const int page = f.limit;
  f.limit = page + 1;  // one more: whether there is a next page, and where it starts
  return ReadValue<DeliveryPage>(store_, [&](ReadTx& tx) -> Result<DeliveryPage> {
    SID_ASSIGN_OR_RETURN(Webhook w, LoadWebhook(tx, account_id, webhook_id));
    DeliveryPage out;
    SID_ASSIGN_OR_RETURN(out.data, tx.deliveries().List(w.webhook_id, f));
    if (static_cast<int>(out.data.size()) > page) {
      out.next_key = out.data.back().delivery_id;
      out.data.pop_back();
    }
    return out;
  });
}

Result<int> WebhooksService::QueueEvents(WriteTx& tx, const Webhook& webhook,
                                         const std::vector<EventRecord>& events, TimeMs now) {
  int queued = 0;
  for (const EventRecord& e : events) {
    if (!AnyPatternMatches(webhook.types, e.type)) continue;
    SID_ASSIGN_OR_RETURN(std::optional<Delivery> existing,
                         tx.deliveries().FindByEvent(webhook.webhook_id, e.event_id));
    if (existing) {
      if (existing->status == DeliveryStatus::kPending) continue;
      // Again from the start of the schedule; the attempts made so far stay counted.
      existing->status = DeliveryStatus::kPending;
      existing->run_attempts = 0;
      existing->next_attempt_at = now;
      existing->lease_until.reset();
      existing->lease_token.clear();
      existing->date_updated = now;
      SID_TRY(tx.deliveries().Update(*existing));
    } else {
      Delivery d;
      d.delivery_id = NewId(kDeliveryPrefix, now, random_);
      d.webhook_id = webhook.webhook_id;
      d.account_id = webhook.account_id;
      d.event_id = e.event_id;
      d.event_type = e.type;
      d.next_attempt_at = now;
      d.date_created = now;
      d.date_updated = now;
      SID_TRY(tx.deliveries().Insert(d));
    }
    ++queued;
  }
  return queued;
}

Result<int> WebhooksService::Redeliver(const std::string& account_id, std::string_view webhook_id,
                                       const RedeliverInput& input) {
  if (input.event_ids.has_value() == input.since.has_value())
    return Invalid("exactly one of 'eventIds' and 'since' is required");
  const TimeMs now = clock_.Now();
  if (input.event_ids) {
    const std::vector<std::string>& ids = *input.event_ids;
    if (ids.empty() || static_cast<int>(ids.size()) > options_.max_redeliver_ids)
      return Invalid("'eventIds' must list 1 to " + std::to_string(options_.max_redeliver_ids) +
                     " event ids");
    return WriteValue<int>(store_, [&](WriteTx& tx) -> Result<int> {
      SID_ASSIGN_OR_RETURN(Webhook w, LoadWebhook(tx, account_id, webhook_id));
      std::vector<EventRecord> events;
      std::vector<std::string> unknown;
      std::vector<std::string> seen;
      for (const std::string& id : ids) {
        if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
        seen.push_back(id);
        SID_ASSIGN_OR_RETURN(std::optional<EventRecord> e, tx.events().Find(account_id, id));
        if (e) events.push_back(std::move(*e));
        else unknown.push_back(id);
      }
      // All or nothing: one id that is not the account's (unknown, foreign or pruned) queues none.
      if (!unknown.empty())
        return Invalid("'eventIds': not events of this account: " + Named(unknown));
      return QueueEvents(tx, w, events, now);
    });
  }
  // By `since`: the account's events in sequence order, a page per transaction, so that a long
  // log does not hold the writer at once.
  SID_TRY(Get(account_id, webhook_id));
  constexpr int kPage = 500;
  int queued = 0;
  int64_t after = 0;
  for (int round = 0; round < 1'000'000; ++round) {
    // Set by the write function's last run (it may run more than once).
    bool done = false;
    int64_t last = after;
    SID_ASSIGN_OR_RETURN(int n, WriteValue<int>(store_, [&](WriteTx& tx) -> Result<int> {
                           SID_ASSIGN_OR_RETURN(Webhook w, LoadWebhook(tx, account_id, webhook_id));
                           SID_ASSIGN_OR_RETURN(std::vector<EventRecord> events,
                                                tx.events().List(account_id, after, {}, kPage));
                           done = static_cast<int>(events.size()) < kPage;
                           last = events.empty() ? after : events.back().sequence;
                           std::erase_if(events, [&](const EventRecord& e) {
                             return e.date_created < *input.since;
                           });
                           return QueueEvents(tx, w, events, now);
                         }));
    queued += n;
    after = last;
    if (done) return queued;
  }
  return Error(ErrorCode::kInternalError, "redeliver made no progress");
}

}  // namespace senderid
