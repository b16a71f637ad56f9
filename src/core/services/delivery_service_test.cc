// Tests for core/services/delivery_service (SPEC §12) on the in-memory store with a FakeClock:
// claims and leases, the per-webhook cap, outcomes (2xx, non-2xx, errors), the retry schedule run
// to its end, Retry-After, 410 disabling GONE with the record waiting, FAILING after
// --webhook-disable-after, enabling again, lost leases, rotated secrets signing for 24 h, and
// records of pruned events. Time moves only by the FakeClock.

#include "core/services/delivery_service.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "core/webhook_signature.h"
#include "tests/unit/core_testing.h"

namespace senderid {
namespace {

using test::CodeOf;

class DeliveryServiceTest : public test::MemoryRegistryTest {
 protected:
  void SetUp() override {
    account_ = NewAccount(50).account_id;
    options_.retry.schedule = {10 * kSecond, kMinute, kHour};
    options_.timeout = 5 * kSecond;
    options_.disable_after = kDay;
    webhook_options_.allow_private = true;
    webhook_ = CreateWebhook("http://127.0.0.1:9/hook");
  }

  std::string CreateWebhook(const std::string& url) {
    WebhookInput in;
    in.url = url;
    Result<WebhookWithSecret> w = Webhooks(webhook_options_).Create(account_, in);
    if (!w.ok()) {
      ADD_FAILURE() << w.error().message;
      return "";
    }
    secrets_[w->webhook.webhook_id] = w->secret;
    return w->webhook.webhook_id;
  }
  // An event of the account (a document upload), hence one record per enabled webhook.
  void Event() { MustUpload(account_); }

  std::vector<PendingAttempt> Claim(int max = 100) {
    Result<std::vector<PendingAttempt>> c = Deliveries(options_).Claim(max);
    if (!c.ok()) {
      ADD_FAILURE() << c.error().message;
      return {};
    }
    return std::move(c).value();
  }
  AttemptResult Outcome(const PendingAttempt& a, std::optional<int> status,
                        std::optional<DeliveryError> error = std::nullopt) {
    AttemptResult r;
    r.delivery_id = a.delivery.delivery_id;
    r.lease_token = a.delivery.lease_token;
    r.started_at = clock().Now();
    r.duration_ms = 12;
    r.response_status = status;
    r.error = error;
    return r;
  }
  int Record(std::vector<AttemptResult> results) {
    Result<int> n = Deliveries(options_).Record(results);
    if (!n.ok()) {
      ADD_FAILURE() << n.error().message;
      return -1;
    }
    return *n;
  }
  Delivery Stored(const std::string& delivery_id) {
    std::optional<Delivery> d = Query<std::optional<Delivery>>(
        [&](ReadTx& tx) { return tx.deliveries().Find(delivery_id); });
    if (!d) ADD_FAILURE() << "no delivery " << delivery_id;
    return d.value_or(Delivery{});
  }
  Webhook Hook(const std::string& id) { return *Webhooks(webhook_options_).Get(account_, id); }

  std::string account_;
  std::string webhook_;
  std::map<std::string, std::string> secrets_;
  DeliveryOptions options_;
  WebhooksServiceOptions webhook_options_;
};
SID_ON_EVERY_MEMORY_STORE(DeliveryServiceTest);

TEST_P(DeliveryServiceTest, AClaimLeasesTheDueRecordWithItsEventAndKey) {
  Event();
  const std::vector<PendingAttempt> claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  const PendingAttempt& a = claimed[0];
  EXPECT_EQ(a.url, "http://127.0.0.1:9/hook");
  EXPECT_EQ(a.event.event_id, a.delivery.event_id);
  EXPECT_EQ(a.event.type, EventType::kDocumentUploaded);
  EXPECT_EQ(a.event.sequence, 1);
  ASSERT_EQ(a.keys.size(), 1u);
  EXPECT_EQ(a.keys[0], *WebhookSecretKey(secrets_[webhook_]));
  EXPECT_EQ(a.delivery.lease_until, clock().Now() + 30 * kSecond) << "max(30 s, 2 × timeout)";
  EXPECT_FALSE(a.delivery.lease_token.empty());
  // Leased: nobody else gets it while the lease holds …
  EXPECT_TRUE(Claim().empty());
  clock().Advance(30 * kSecond - 1);
  EXPECT_TRUE(Claim().empty());
  // … and once it lapsed (its holder died), it is taken over; the old holder's outcome is dropped.
  clock().Advance(1);
  const std::vector<PendingAttempt> again = Claim();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_NE(again[0].delivery.lease_token, a.delivery.lease_token);
  EXPECT_EQ(Record({Outcome(a, 200)}), 0);
  EXPECT_EQ(Stored(a.delivery.delivery_id).attempt, 0);
  EXPECT_EQ(Record({Outcome(again[0], 200)}), 1);
  EXPECT_EQ(Stored(a.delivery.delivery_id).status, DeliveryStatus::kSucceeded);
  options_.timeout = 20 * kSecond;
  EXPECT_EQ(options_.lease(), 40 * kSecond);
}

TEST_P(DeliveryServiceTest, AtMostFourAttemptsAtOncePerWebhook) {
  const std::string second = CreateWebhook("http://127.0.0.1:10/hook");
  for (int i = 0; i < 6; ++i) Event();
  std::vector<PendingAttempt> first = Claim();
  std::map<std::string, int> per_hook;
  for (const PendingAttempt& a : first) ++per_hook[a.delivery.webhook_id];
  EXPECT_EQ(per_hook[webhook_], 4);
  EXPECT_EQ(per_hook[second], 4);
  EXPECT_TRUE(Claim().empty()) << "both at their cap";
  // One finishes: one more of that webhook may go.
  PendingAttempt done;
  for (const PendingAttempt& a : first)
    if (a.delivery.webhook_id == webhook_) done = a;
  ASSERT_EQ(Record({Outcome(done, 204)}), 1);
  const std::vector<PendingAttempt> next = Claim();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].delivery.webhook_id, webhook_);
  // A claim takes no more than asked.
  EXPECT_LE(Claim(1).size(), 1u);
}

TEST_P(DeliveryServiceTest, FailuresFollowTheScheduleThenFail) {
  Event();
  PendingAttempt a = Claim().at(0);
  const std::string id = a.delivery.delivery_id;
  // Each failure schedules the next retry within ±10 % of its delay.
  const std::vector<TimeMs> delays = {10 * kSecond, kMinute, kHour};
  for (size_t i = 0; i < delays.size(); ++i) {
    AttemptResult r = i == 0   ? Outcome(a, 500)
                      : i == 1 ? Outcome(a, std::nullopt, DeliveryError::kConnectionRefused)
                               : Outcome(a, std::nullopt, DeliveryError::kTimeout);
    ASSERT_EQ(Record({r}), 1);
    const Delivery d = Stored(id);
    EXPECT_EQ(d.status, DeliveryStatus::kPending);
    EXPECT_EQ(d.attempt, static_cast<int>(i) + 1);
    EXPECT_EQ(d.response_status, r.response_status);
    EXPECT_EQ(d.error, r.error);
    EXPECT_EQ(d.duration_ms, 12);
    EXPECT_FALSE(d.lease_until.has_value());
    ASSERT_TRUE(d.next_attempt_at.has_value());
    const TimeMs wait = *d.next_attempt_at - clock().Now();
    EXPECT_GE(wait, delays[i] - delays[i] / 10) << i;
    EXPECT_LE(wait, delays[i] + delays[i] / 10) << i;
    EXPECT_TRUE(Claim().empty()) << "not due before its time";
    clock().Set(*d.next_attempt_at);
    std::vector<PendingAttempt> due = Claim();
    ASSERT_EQ(due.size(), 1u);
    a = due[0];
  }
  // The fourth attempt is the last (3 entries = 3 retries).
  ASSERT_EQ(Record({Outcome(a, 404)}), 1);
  const Delivery failed = Stored(id);
  EXPECT_EQ(failed.status, DeliveryStatus::kFailed);
  EXPECT_EQ(failed.attempt, 4);
  EXPECT_EQ(failed.response_status, 404);
  EXPECT_FALSE(failed.next_attempt_at.has_value());
  clock().Advance(kDay);
  EXPECT_TRUE(Claim().empty());
}

TEST_P(DeliveryServiceTest, RetryAfterOn429And503IsHonouredWhenLonger) {
  Event();
  PendingAttempt a = Claim().at(0);
  AttemptResult busy = Outcome(a, 429);
  busy.retry_after = 2 * kMinute;  // longer than 10 s ± 10 %
  ASSERT_EQ(Record({busy}), 1);
  EXPECT_EQ(*Stored(a.delivery.delivery_id).next_attempt_at, clock().Now() + 2 * kMinute);
  clock().Advance(2 * kMinute);
  a = Claim().at(0);
  AttemptResult unavailable = Outcome(a, 503);
  unavailable.retry_after = 7 * kDay;  // capped at 24 h
  ASSERT_EQ(Record({unavailable}), 1);
  EXPECT_EQ(*Stored(a.delivery.delivery_id).next_attempt_at, clock().Now() + 24 * kHour);
  clock().Advance(24 * kHour);
  a = Claim().at(0);
  AttemptResult other = Outcome(a, 500);
  other.retry_after = 10 * kHour;  // only 429 and 503 may defer
  ASSERT_EQ(Record({other}), 1);
  EXPECT_LE(*Stored(a.delivery.delivery_id).next_attempt_at, clock().Now() + kHour + kHour / 10);
}

TEST_P(DeliveryServiceTest, GoneDisablesTheWebhookAndItsRecordsWaitUntilEnabled) {
  Event();
  Event();
  std::vector<PendingAttempt> claimed = Claim();
  ASSERT_EQ(claimed.size(), 2u);
  ASSERT_EQ(Record({Outcome(claimed[0], 410)}), 1);
  const Webhook gone = Hook(webhook_);
  EXPECT_EQ(gone.status, WebhookStatus::kDisabled);
  EXPECT_EQ(gone.disabled_reason, DisabledReason::kGone);
  const Delivery waiting = Stored(claimed[0].delivery.delivery_id);
  EXPECT_EQ(waiting.status, DeliveryStatus::kPending);
  EXPECT_EQ(waiting.response_status, 410);
  EXPECT_EQ(waiting.attempt, 1);
  // The other attempt in flight still records; nothing is claimed while disabled, and new events
  // queue nothing for it.
  ASSERT_EQ(Record({Outcome(claimed[1], 500)}), 1);
  Event();
  clock().Advance(2 * kHour);
  EXPECT_TRUE(Claim().empty());
  EXPECT_FALSE(Deliveries(options_).NextDue()->has_value());
  // Enabled again: reason cleared, both records resume.
  WebhookInput on;
  on.status = WebhookStatus::kEnabled;
  EXPECT_FALSE(Webhooks(webhook_options_).Update(account_, webhook_, on)->disabled_reason.has_value());
  EXPECT_TRUE(Deliveries(options_).NextDue()->has_value());
  std::vector<PendingAttempt> resumed = Claim();
  std::set<std::string> ids;
  for (const PendingAttempt& a : resumed) ids.insert(a.delivery.delivery_id);
  EXPECT_EQ(ids, (std::set<std::string>{claimed[0].delivery.delivery_id,
                                        claimed[1].delivery.delivery_id}));
}

TEST_P(DeliveryServiceTest, AWebhookFailingForDisableAfterIsDisabledFailing) {
  options_.retry.schedule = std::vector<TimeMs>(50, 6 * kHour);
  Event();
  const TimeMs first = clock().Now();
  PendingAttempt a = Claim().at(0);
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(Record({Outcome(a, std::nullopt, DeliveryError::kConnectionRefused)}), 1);
    const Webhook w = Hook(webhook_);
    if (clock().Now() - first >= kDay) {
      EXPECT_EQ(w.status, WebhookStatus::kDisabled);
      EXPECT_EQ(w.disabled_reason, DisabledReason::kFailing);
      break;
    }
    EXPECT_EQ(w.status, WebhookStatus::kEnabled) << "failing for " << (clock().Now() - first);
    clock().Set(*Stored(a.delivery.delivery_id).next_attempt_at);
    a = Claim().at(0);
  }
  EXPECT_EQ(Hook(webhook_).disabled_reason, DisabledReason::kFailing);
  // Enabling restarts the clock: the next failure does not disable it again at once.
  WebhookInput on;
  on.status = WebhookStatus::kEnabled;
  ASSERT_TRUE(Webhooks(webhook_options_).Update(account_, webhook_, on).ok());
  clock().Advance(kDay);
  a = Claim().at(0);
  ASSERT_EQ(Record({Outcome(a, 500)}), 1);
  EXPECT_EQ(Hook(webhook_).status, WebhookStatus::kEnabled);
}

TEST_P(DeliveryServiceTest, ASuccessRestartsTheFailingClock) {
  options_.retry.schedule = std::vector<TimeMs>(50, 10 * kHour);
  Event();
  Event();
  std::vector<PendingAttempt> two = Claim();
  ASSERT_EQ(two.size(), 2u);
  ASSERT_EQ(Record({Outcome(two[0], 500)}), 1);
  clock().Advance(20 * kHour);
  ASSERT_EQ(Record({Outcome(two[1], 200)}), 1);  // a success meanwhile
  clock().Advance(10 * kHour);                   // 30 h after the first failure
  PendingAttempt again = Claim().at(0);
  ASSERT_EQ(Record({Outcome(again, 500)}), 1);
  EXPECT_EQ(Hook(webhook_).status, WebhookStatus::kEnabled);
}

TEST_P(DeliveryServiceTest, RotatedSecretsSignTogetherForADayOnlyTheTwoNewest) {
  Event();
  const std::string k1 = *WebhookSecretKey(secrets_[webhook_]);
  Result<WebhookWithSecret> r2 = Webhooks(webhook_options_).RotateSecret(account_, webhook_);
  ASSERT_TRUE(r2.ok());
  const std::string k2 = *WebhookSecretKey(r2->secret);
  EXPECT_NE(k1, k2);
  PendingAttempt a = Claim().at(0);
  EXPECT_EQ(a.keys, (std::vector<std::string>{k2, k1})) << "new first";
  ASSERT_EQ(Record({Outcome(a, 500)}), 1);
  // A second rotation within the day: the two newest only.
  clock().Advance(kHour);
  Result<WebhookWithSecret> r3 = Webhooks(webhook_options_).RotateSecret(account_, webhook_);
  const std::string k3 = *WebhookSecretKey(r3->secret);  // the retry is due by now
  a = Claim().at(0);
  EXPECT_EQ(a.keys, (std::vector<std::string>{k3, k2}));
  ASSERT_EQ(Record({Outcome(a, 500)}), 1);
  // 24 h after the last rotation: the newest alone.
  clock().Advance(24 * kHour);
  a = Claim().at(0);
  EXPECT_EQ(a.keys, std::vector<std::string>{k3});
}

TEST_P(DeliveryServiceTest, RecordsOfPrunedEventsAreClosed) {
  Event();
  clock().Advance(31 * kDay);
  // The event is past retention but its record (created at the same time) is pruned with it;
  // a record created later by redeliver would outlive it: simulate by pruning events only.
  ASSERT_TRUE(store().Write([&](WriteTx& tx) -> Status {
    SID_TRY(tx.events().Prune(clock().Now()));
    return OkStatus();
  }).ok());
  EXPECT_TRUE(Claim().empty());
  DeliveryFilter f;
  Result<DeliveryPage> page = Webhooks(webhook_options_).ListDeliveries(account_, webhook_, f);
  ASSERT_EQ(page->data.size(), 1u);
  EXPECT_EQ(page->data[0].status, DeliveryStatus::kFailed);
  // Retention prunes records too.
  EXPECT_EQ(*Events().Prune(), 1);
  EXPECT_TRUE(Webhooks(webhook_options_).ListDeliveries(account_, webhook_, f)->data.empty());
}

// Counts the write transactions made through it.
class CountingStore final : public Store {
 public:
  explicit CountingStore(Store& inner) : inner_(inner) {}
  Status Read(const ReadFn& fn) override { return inner_.Read(fn); }
  Status Write(const WriteFn& fn) override {
    ++writes;
    return inner_.Write(fn);
  }
  Status Ping() override { return inner_.Ping(); }
  int writes = 0;

 private:
  Store& inner_;
};

TEST_P(DeliveryServiceTest, ARoundRecordsThenClaimsTheFreedSlotsInOneTransaction) {
  for (int i = 0; i < 8; ++i) Event();
  const std::vector<PendingAttempt> first = Claim();
  ASSERT_EQ(first.size(), 4u) << "the webhook's cap";
  CountingStore counting(store());
  DeliveryService service(counting, crypto_, clock(), random_, options_);
  // Two outcomes in: their slots are free for the claim of the same transaction.
  Result<DeliveryRound> round =
      service.Round({Outcome(first[0], 204), Outcome(first[1], 500)}, 10);
  ASSERT_TRUE(round.ok()) << round.error().message;
  EXPECT_EQ(counting.writes, 1);
  EXPECT_EQ(round->recorded, 2);
  ASSERT_EQ(round->claimed.size(), 2u) << "the two freed slots, not more (the cap)";
  EXPECT_EQ(Stored(first[0].delivery.delivery_id).status, DeliveryStatus::kSucceeded);
  EXPECT_EQ(Stored(first[1].delivery.delivery_id).attempt, 1);
  for (const PendingAttempt& a : round->claimed) {
    EXPECT_NE(a.delivery.delivery_id, first[0].delivery.delivery_id);
    EXPECT_NE(a.delivery.delivery_id, first[1].delivery.delivery_id) << "its retry is not due yet";
    EXPECT_FALSE(a.keys.empty());
    EXPECT_EQ(Stored(a.delivery.delivery_id).lease_token, a.delivery.lease_token);
  }
  // A round with nothing to claim and an outcome whose lease is no longer its own.
  Result<DeliveryRound> again = service.Round({Outcome(first[0], 204)}, 0);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(counting.writes, 2);
  EXPECT_EQ(again->recorded, 0);
  EXPECT_TRUE(again->claimed.empty());
}

TEST_P(DeliveryServiceTest, ReleaseLeasesFreesWhatAKilledProcessHeld) {
  Event();
  ASSERT_EQ(Claim().size(), 1u);
  EXPECT_TRUE(Claim().empty());
  EXPECT_EQ(*Deliveries(options_).ReleaseLeases(), 1);
  EXPECT_EQ(Claim().size(), 1u);
}

}  // namespace
}  // namespace senderid
