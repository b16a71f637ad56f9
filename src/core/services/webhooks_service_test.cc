// Tests for core/services/webhooks_service (SPEC §12 endpoints 15–21) on the in-memory store with a
// FakeClock and a FakeResolver: validation of url, types and description, the SSRF check at
// creation, the cap of 10, tenant isolation, enable/disable, secrets sealed at rest and rotated,
// delivery records queued by the lifecycle, listing deliveries, and redeliver.

#include "core/services/webhooks_service.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/events.h"
#include "core/webhook_signature.h"
#include "tests/unit/core_testing.h"

namespace senderid {
namespace {

using test::CodeOf;

class WebhooksServiceTest : public test::MemoryRegistryTest {
 protected:
  void SetUp() override {
    account_ = NewAccount(20).account_id;
    other_ = NewAccount(20).account_id;
    resolver().Set("hooks.example.com", {"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"});
  }

  WebhookInput Url(std::string url, std::optional<std::vector<std::string>> types = std::nullopt) {
    WebhookInput in;
    in.url = std::move(url);
    in.types = std::move(types);
    return in;
  }
  WebhookWithSecret MustCreateWebhook(const std::string& account, WebhookInput in) {
    Result<WebhookWithSecret> w = Webhooks().Create(account, in);
    if (!w.ok()) {
      ADD_FAILURE() << "Create: " << w.error().message;
      return WebhookWithSecret{};
    }
    return std::move(w).value();
  }
  std::vector<Delivery> DeliveriesOf(const std::string& account, const std::string& webhook_id) {
    DeliveryFilter f;
    f.limit = 1000;
    Result<DeliveryPage> page = Webhooks().ListDeliveries(account, webhook_id, f);
    if (!page.ok()) {
      ADD_FAILURE() << page.error().message;
      return {};
    }
    return page->data;
  }

  std::string account_;
  std::string other_;
};
SID_ON_EVERY_MEMORY_STORE(WebhooksServiceTest);

TEST_P(WebhooksServiceTest, CreateAnswersTheSecretOnceAndKeepsItSealed) {
  const WebhookWithSecret w = MustCreateWebhook(account_, Url("https://hooks.example.com/in"));
  EXPECT_EQ(w.webhook.webhook_id.substr(0, 3), "WHK");
  EXPECT_EQ(w.webhook.webhook_id.size(), 32u);
  EXPECT_EQ(w.webhook.types, std::vector<std::string>{"*"});
  EXPECT_FALSE(w.webhook.description.has_value());
  EXPECT_EQ(w.webhook.status, WebhookStatus::kEnabled);
  EXPECT_FALSE(w.webhook.disabled_reason.has_value());
  ASSERT_TRUE(WebhookSecretKey(w.secret).has_value()) << w.secret;
  // At rest: sealed, bound to the row.
  const Webhook stored = *Webhooks().Get(account_, w.webhook.webhook_id);
  EXPECT_EQ(stored.sealed_secret.find(w.secret), std::string::npos);
  EXPECT_EQ(stored.sealed_secret.find(w.secret.substr(6)), std::string::npos);
  Result<std::string> opened =
      crypto().Open(stored.sealed_secret, WebhookSecretBinding(stored.webhook_id, 1));
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, w.secret);
  EXPECT_FALSE(crypto().Open(stored.sealed_secret, WebhookSecretBinding("WHKother", 1)).ok());
  // Two webhooks never share a secret.
  EXPECT_NE(MustCreateWebhook(account_, Url("https://hooks.example.com/2")).secret, w.secret);
}

TEST_P(WebhooksServiceTest, TypesDescriptionAndUrlAreValidated) {
  struct Case {
    const char* what;
    WebhookInput in;
  };
  WebhookInput long_description = Url("https://hooks.example.com/");
  long_description.has_description = true;
  long_description.description = std::string(501, 'x');
  WebhookInput with_status = Url("https://hooks.example.com/");
  with_status.status = WebhookStatus::kDisabled;
  const Case bad[] = {
      {"no url", WebhookInput{}},
      {"empty types", Url("https://hooks.example.com/", std::vector<std::string>{})},
      {"unknown type", Url("https://hooks.example.com/", std::vector<std::string>{"senderid.foo"})},
      {"prefix of nothing", Url("https://hooks.example.com/", std::vector<std::string>{"foo.*"})},
      {"two segments", Url("https://hooks.example.com/",
                           std::vector<std::string>{"senderid.created.*"})},
      {"bare prefix", Url("https://hooks.example.com/", std::vector<std::string>{"senderid"})},
      {"one bad among good", Url("https://hooks.example.com/",
                                 std::vector<std::string>{"senderid.*", "nope"})},
      {"description over 500", long_description},
      {"status at creation", with_status},
      {"ftp", Url("ftp://hooks.example.com/")},
      {"user info", Url("https://u:p@hooks.example.com/")},
      {"decimal ip", Url("http://2130706433/")},
  };
  for (const Case& c : bad) EXPECT_EQ(CodeOf(Webhooks().Create(account_, c.in)), ErrorCode::kValidationError) << c.what;
  EXPECT_TRUE(Webhooks().List(account_)->empty());

  WebhookInput good = Url("https://hooks.example.com/",
                          std::vector<std::string>{"senderid.*", "document.uploaded", "*",
                                                   "senderid.*"});
  good.has_description = true;
  good.description = std::string(500, 'x');
  const WebhookWithSecret w = MustCreateWebhook(account_, good);
  EXPECT_EQ(w.webhook.types, (std::vector<std::string>{"senderid.*", "document.uploaded", "*"}));
  EXPECT_EQ(w.webhook.description, std::string(500, 'x'));
}

TEST_P(WebhooksServiceTest, TargetsResolvingToNonPublicAddressesAreRefused) {
  resolver().Set("private.example.com", {"93.184.216.34", "10.0.0.7"});  // any one is enough
  resolver().Set("mapped.example.com", {"::ffff:127.0.0.1"});
  resolver().Set("metadata.example.com", {"169.254.169.254"});
  resolver().SetOutcome("slow.example.com", Resolution::Outcome::kTimedOut);
  for (const char* url : {"https://private.example.com/", "https://mapped.example.com/",
                          "https://metadata.example.com/", "http://127.0.0.1:8080/",
                          "http://[::1]/", "http://0.0.0.0/", "http://[::]/",
                          "http://[::ffff:10.0.0.1]/", "http://100.64.0.1/", "http://198.18.0.1/"}) {
    Result<WebhookWithSecret> r = Webhooks().Create(account_, Url(url));
    EXPECT_EQ(CodeOf(r), ErrorCode::kValidationError) << url;
  }
  // Not resolving (now), or too slowly: accepted; the attempts will say DnsError.
  EXPECT_TRUE(Webhooks().Create(account_, Url("https://nowhere.example.com/")).ok());
  EXPECT_TRUE(Webhooks().Create(account_, Url("https://slow.example.com/")).ok());
  EXPECT_TRUE(Webhooks().Create(account_, Url("https://93.184.216.34/")).ok());
  // --webhook-allow-private: loopback receivers for development and tests.
  WebhooksServiceOptions local;
  local.allow_private = true;
  EXPECT_TRUE(Webhooks(local).Create(account_, Url("http://127.0.0.1:8080/")).ok());
  EXPECT_TRUE(Webhooks(local).Create(account_, Url("https://private.example.com/")).ok());
  // An update to a forbidden URL is refused the same way and changes nothing.
  const WebhookWithSecret w = MustCreateWebhook(account_, Url("https://hooks.example.com/"));
  EXPECT_EQ(CodeOf(Webhooks().Update(account_, w.webhook.webhook_id, Url("http://10.1.1.1/"))),
            ErrorCode::kValidationError);
  EXPECT_EQ(Webhooks().Get(account_, w.webhook.webhook_id)->url, "https://hooks.example.com/");
}

TEST_P(WebhooksServiceTest, AtMostTenWebhooksPerAccount) {
  for (int i = 0; i < 10; ++i) MustCreateWebhook(account_, Url("https://hooks.example.com/" + std::to_string(i)));
  EXPECT_EQ(CodeOf(Webhooks().Create(account_, Url("https://hooks.example.com/x"))),
            ErrorCode::kLimitExceeded);
  EXPECT_EQ(Webhooks().List(account_)->size(), 10u);
  // Another account has its own ten; a deleted one frees a place.
  EXPECT_TRUE(Webhooks().Create(other_, Url("https://hooks.example.com/x")).ok());
  const std::string first = Webhooks().List(account_)->front().webhook_id;
  ASSERT_TRUE(Webhooks().Delete(account_, first).ok());
  EXPECT_TRUE(Webhooks().Create(account_, Url("https://hooks.example.com/x")).ok());
}

TEST_P(WebhooksServiceTest, AnotherAccountsWebhookDoesNotExistForIt) {
  const WebhookWithSecret w = MustCreateWebhook(account_, Url("https://hooks.example.com/"));
  const std::string& id = w.webhook.webhook_id;
  EXPECT_EQ(CodeOf(Webhooks().Get(other_, id)), ErrorCode::kInvalidWebhookId);
  WebhookInput disable;
  disable.status = WebhookStatus::kDisabled;
  EXPECT_EQ(CodeOf(Webhooks().Update(other_, id, disable)), ErrorCode::kInvalidWebhookId);
  EXPECT_EQ(CodeOf(Webhooks().Delete(other_, id)), ErrorCode::kInvalidWebhookId);
  EXPECT_EQ(CodeOf(Webhooks().RotateSecret(other_, id)), ErrorCode::kInvalidWebhookId);
  EXPECT_EQ(CodeOf(Webhooks().ListDeliveries(other_, id, DeliveryFilter{})),
            ErrorCode::kInvalidWebhookId);
  RedeliverInput since;
  since.since = 0;
  EXPECT_EQ(CodeOf(Webhooks().Redeliver(other_, id, since)), ErrorCode::kInvalidWebhookId);
  EXPECT_EQ(CodeOf(Webhooks().Get(account_, "WHK00000000000000NOSUCHWEBHOOK0")),
            ErrorCode::kInvalidWebhookId);
  EXPECT_TRUE(Webhooks().List(other_)->empty());
  EXPECT_EQ(Webhooks().Get(account_, id)->status, WebhookStatus::kEnabled);
}

TEST_P(WebhooksServiceTest, DisableAndEnableSetTheReason) {
  const std::string id = MustCreateWebhook(account_, Url("https://hooks.example.com/")).webhook.webhook_id;
  clock().Advance(kSecond);
  WebhookInput in;
  in.status = WebhookStatus::kDisabled;
  Result<Webhook> off = Webhooks().Update(account_, id, in);
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(off->status, WebhookStatus::kDisabled);
  EXPECT_EQ(off->disabled_reason, DisabledReason::kCustomer);
  EXPECT_EQ(off->date_updated, clock().Now());
  in.status = WebhookStatus::kEnabled;
  Result<Webhook> on = Webhooks().Update(account_, id, in);
  EXPECT_EQ(on->status, WebhookStatus::kEnabled);
  EXPECT_FALSE(on->disabled_reason.has_value());
  // Description cleared with an explicit null; types replaced.
  WebhookInput edit;
  edit.has_description = true;
  edit.description = "shop";
  edit.types = std::vector<std::string>{"approval.*"};
  EXPECT_EQ(Webhooks().Update(account_, id, edit)->description, "shop");
  edit.description.reset();
  edit.types.reset();
  Result<Webhook> cleared = Webhooks().Update(account_, id, edit);
  EXPECT_FALSE(cleared->description.has_value());
  EXPECT_EQ(cleared->types, std::vector<std::string>{"approval.*"});
}

TEST_P(WebhooksServiceTest, DeliveriesAreQueuedForEnabledWebhooksWhoseTypesMatch) {
  const std::string all = MustCreateWebhook(account_, Url("https://hooks.example.com/all")).webhook.webhook_id;
  const std::string docs =
      MustCreateWebhook(account_, Url("https://hooks.example.com/docs", std::vector<std::string>{"document.*"}))
          .webhook.webhook_id;
  const std::string off = MustCreateWebhook(account_, Url("https://hooks.example.com/off")).webhook.webhook_id;
  WebhookInput disable;
  disable.status = WebhookStatus::kDisabled;
  ASSERT_TRUE(Webhooks().Update(account_, off, disable).ok());
  const std::string foreign = MustCreateWebhook(other_, Url("https://hooks.example.com/o")).webhook.webhook_id;

  MustCreate(account_, "01012345678");  // senderid.created
  MustUpload(account_);                 // document.uploaded
  const std::vector<EventRecord> events = Events(account_);
  ASSERT_EQ(events.size(), 2u);

  const std::vector<Delivery> to_all = DeliveriesOf(account_, all);
  ASSERT_EQ(to_all.size(), 2u);
  for (const Delivery& d : to_all) {
    EXPECT_EQ(d.delivery_id.substr(0, 3), "DLV");
    EXPECT_EQ(d.status, DeliveryStatus::kPending);
    EXPECT_EQ(d.attempt, 0);
    EXPECT_EQ(d.next_attempt_at, clock().Now());
    EXPECT_EQ(d.date_created, clock().Now());
    EXPECT_FALSE(d.response_status.has_value());
    EXPECT_FALSE(d.error.has_value());
  }
  const std::vector<Delivery> to_docs = DeliveriesOf(account_, docs);
  ASSERT_EQ(to_docs.size(), 1u);
  EXPECT_EQ(to_docs[0].event_type, EventType::kDocumentUploaded);
  EXPECT_EQ(to_docs[0].event_id, events[1].event_id);
  EXPECT_TRUE(DeliveriesOf(account_, off).empty()) << "a disabled webhook is not queued for";
  EXPECT_TRUE(DeliveriesOf(other_, foreign).empty()) << "another account's events are not its";
}

TEST_P(WebhooksServiceTest, AFailedRequestQueuesNothing) {
  const std::string id = MustCreateWebhook(account_, Url("https://hooks.example.com/")).webhook.webhook_id;
  MustCreate(account_, "01012345678");
  EXPECT_EQ(CodeOf(Numbers().Create(account_, "01012345678", {})), ErrorCode::kAlreadyRegistered);
  EXPECT_EQ(CodeOf(Numbers().Create(account_, "0101234", {})), ErrorCode::kInvalidPhoneNumber);
  EXPECT_EQ(Events(account_).size(), 1u);
  EXPECT_EQ(DeliveriesOf(account_, id).size(), 1u);
}

TEST_P(WebhooksServiceTest, DeliveryListingIsNewestFirstInPages) {
  const std::string id = MustCreateWebhook(account_, Url("https://hooks.example.com/")).webhook.webhook_id;
  for (int i = 0; i < 5; ++i) {
    MustUpload(account_);
    clock().Advance(kSecond);  // ids carry the second: distinct and ordered
  }
  DeliveryFilter f;
  f.limit = 2;
  Result<DeliveryPage> first = Webhooks().ListDeliveries(account_, id, f);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->data.size(), 2u);
  ASSERT_TRUE(first->next_key.has_value());
  EXPECT_GT(first->data[0].delivery_id, first->data[1].delivery_id);
  f.start_key = first->next_key;
  Result<DeliveryPage> second = Webhooks().ListDeliveries(account_, id, f);
  ASSERT_EQ(second->data.size(), 2u);
  EXPECT_EQ(second->data[0].delivery_id, *first->next_key);
  f.start_key = second->next_key;
  Result<DeliveryPage> third = Webhooks().ListDeliveries(account_, id, f);
  ASSERT_EQ(third->data.size(), 1u);
  EXPECT_FALSE(third->next_key.has_value());
  // By event.
  DeliveryFilter by_event;
  by_event.event_id = Events(account_)[2].event_id;
  Result<DeliveryPage> one = Webhooks().ListDeliveries(account_, id, by_event);
  ASSERT_EQ(one->data.size(), 1u);
  EXPECT_EQ(one->data[0].event_id, *by_event.event_id);
  f.limit = 0;
  EXPECT_EQ(CodeOf(Webhooks().ListDeliveries(account_, id, f)), ErrorCode::kValidationError);
  f.limit = 1001;
  EXPECT_EQ(CodeOf(Webhooks().ListDeliveries(account_, id, f)), ErrorCode::kValidationError);
}

TEST_P(WebhooksServiceTest, RedeliverResetsOrCreatesRecordsOfSubscribedEvents) {
  MustCreate(account_, "01012345678");  // before the webhook existed: counts for `since`
  const TimeMs t0 = clock().Now();
  clock().Advance(kMinute);
  const std::string id =
      MustCreateWebhook(account_, Url("https://hooks.example.com/", std::vector<std::string>{"senderid.*"}))
          .webhook.webhook_id;
  MustCreate(account_, "01012345679");
  MustUpload(account_);  // not subscribed
  const std::vector<EventRecord> events = Events(account_);
  ASSERT_EQ(events.size(), 3u);

  // Validation: exactly one of the two; ids 1–1000 of the account's own events.
  EXPECT_EQ(CodeOf(Webhooks().Redeliver(account_, id, RedeliverInput{})), ErrorCode::kValidationError);
  RedeliverInput both;
  both.event_ids = std::vector<std::string>{events[0].event_id};
  both.since = t0;
  EXPECT_EQ(CodeOf(Webhooks().Redeliver(account_, id, both)), ErrorCode::kValidationError);
  RedeliverInput empty;
  empty.event_ids = std::vector<std::string>{};
  EXPECT_EQ(CodeOf(Webhooks().Redeliver(account_, id, empty)), ErrorCode::kValidationError);
  RedeliverInput too_many;
  too_many.event_ids = std::vector<std::string>(1001, events[0].event_id);
  EXPECT_EQ(CodeOf(Webhooks().Redeliver(account_, id, too_many)), ErrorCode::kValidationError);
  const std::string foreign_event = [&] {
    MustCreate(other_, "01099998888");
    return Events(other_).front().event_id;
  }();
  RedeliverInput mixed;
  mixed.event_ids = std::vector<std::string>{events[0].event_id, foreign_event};
  Result<int> refused = Webhooks().Redeliver(account_, id, mixed);
  ASSERT_EQ(CodeOf(refused), ErrorCode::kValidationError);
  EXPECT_NE(refused.error().message.find(foreign_event), std::string::npos);
  EXPECT_EQ(DeliveriesOf(account_, id).size(), 1u) << "nothing queued by a refused redeliver";

  // The record of events[1] is PENDING already: skipped. events[0] has none: created. The upload
  // is not of a subscribed type: not counted.
  RedeliverInput ids;
  ids.event_ids = std::vector<std::string>{events[0].event_id, events[1].event_id,
                                           events[2].event_id, events[0].event_id};
  EXPECT_EQ(*Webhooks().Redeliver(account_, id, ids), 1);
  EXPECT_EQ(DeliveriesOf(account_, id).size(), 2u);
  EXPECT_EQ(*Webhooks().Redeliver(account_, id, ids), 0) << "both PENDING now";

  // Delivered records are reset: PENDING, attempt kept, due now, schedule restarted.
  Status done = store().Write([&](WriteTx& tx) -> Status {
    SID_ASSIGN_OR_RETURN(std::optional<Delivery> d, tx.deliveries().FindByEvent(id, events[1].event_id));
    d->status = DeliveryStatus::kSucceeded;
    d->attempt = 3;
    d->run_attempts = 3;
    d->next_attempt_at.reset();
    return tx.deliveries().Update(*d);
  });
  ASSERT_TRUE(done.ok());
  clock().Advance(kHour);
  RedeliverInput since;
  since.since = t0;  // inclusive
  EXPECT_EQ(*Webhooks().Redeliver(account_, id, since), 1);
  const std::optional<Delivery> reset = Query<std::optional<Delivery>>(
      [&](ReadTx& tx) { return tx.deliveries().FindByEvent(id, events[1].event_id); });
  ASSERT_TRUE(reset.has_value());
  EXPECT_EQ(reset->status, DeliveryStatus::kPending);
  EXPECT_EQ(reset->attempt, 3);
  EXPECT_EQ(reset->run_attempts, 0);
  EXPECT_EQ(reset->next_attempt_at, clock().Now());
  since.since = clock().Now();
  EXPECT_EQ(*Webhooks().Redeliver(account_, id, since), 0) << "no event since now";
}

TEST_P(WebhooksServiceTest, RedeliverBySincePagesThroughALongLog) {
  const std::string id = MustCreateWebhook(account_, Url("https://hooks.example.com/")).webhook.webhook_id;
  const TimeMs t0 = clock().Now();
  for (int i = 0; i < 600; ++i) MustUpload(account_);  // more than one page of 500
  // Mark everything delivered, then redeliver all of it.
  ASSERT_TRUE(store().Write([&](WriteTx& tx) -> Status {
    DeliveryFilter f;
    f.limit = 5000;
    SID_ASSIGN_OR_RETURN(std::vector<Delivery> all, tx.deliveries().List(id, f));
    for (Delivery& d : all) {
      d.status = DeliveryStatus::kSucceeded;
      SID_TRY(tx.deliveries().Update(d));
    }
    return OkStatus();
  }).ok());
  RedeliverInput since;
  since.since = t0;
  EXPECT_EQ(*Webhooks().Redeliver(account_, id, since), 600);
}

}  // namespace
}  // namespace senderid
