// WebhooksRepository: a customer's webhooks, field by field, isolated per account, their delivery
// records gone with them, and the per-account cap held under concurrent creates.

#include <atomic>
#include <thread>

#include "tests/contract/contract_fixture.h"

namespace senderid::contract {
namespace {

class WebhooksContract : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    AddAccount("1001");
    AddAccount("1002");
  }
  std::vector<Webhook> List(const std::string& account_id) {
    return Query([&](ReadTx& tx) { return tx.webhooks().List(account_id); });
  }
  std::optional<Webhook> Find(const std::string& account_id, const std::string& id) {
    return Query([&](ReadTx& tx) { return tx.webhooks().Find(account_id, id); });
  }
};
SID_CONTRACT_SUITE(WebhooksContract);

TEST_P(WebhooksContract, InsertedWebhooksReadBackFieldByFieldForTheirAccountOnly) {
  const Webhook w = MakeWebhook("WHK1", "1001");
  AddWebhook(w);
  EXPECT_EQ(Show(Find("1001", "WHK1")), Show(std::optional<Webhook>(w)));
  EXPECT_FALSE(Find("1002", "WHK1").has_value());
  EXPECT_FALSE(Find("1001", "WHK2").has_value());
  // Unset optionals read back unset; one type; an empty description is not null.
  Webhook bare = MakeWebhook("WHK2", "1001", kT0 + 1);
  bare.types = {"*"};
  bare.description = std::nullopt;
  bare.sealed_previous_secret.reset();
  bare.previous_secret_until.reset();
  bare.failing_since.reset();
  AddWebhook(bare);
  EXPECT_EQ(Show(Find("1001", "WHK2")), Show(std::optional<Webhook>(bare)));
  Webhook blank = MakeWebhook("WHK3", "1001", kT0 + 2);
  blank.description = "";
  AddWebhook(blank);
  EXPECT_EQ(Find("1001", "WHK3")->description, std::optional<std::string>(""));
}

TEST_P(WebhooksContract, ListIsByDateCreatedThenId) {
  AddWebhook(MakeWebhook("WHKb", "1001", kT0 + 5));
  AddWebhook(MakeWebhook("WHKc", "1001", kT0));
  AddWebhook(MakeWebhook("WHKa", "1001", kT0 + 5));
  AddWebhook(MakeWebhook("WHKz", "1002", kT0));
  std::vector<std::string> ids;
  for (const Webhook& w : List("1001")) ids.push_back(w.webhook_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"WHKc", "WHKa", "WHKb"}));
  EXPECT_EQ(List("1002").size(), 1u);
  EXPECT_TRUE(List("9999").empty());
}

TEST_P(WebhooksContract, UpdateStoresEveryMutableFieldAndKeepsIdsAndCreation) {
  AddWebhook(MakeWebhook("WHK1", "1001"));
  Webhook changed = MakeWebhook("WHK1", "1001");
  changed.url = "http://other.example.com/";
  changed.types = {"approval.*"};
  changed.description.reset();
  changed.status = WebhookStatus::kDisabled;
  changed.disabled_reason = DisabledReason::kGone;
  changed.secret_version = 4;
  changed.sealed_secret = "new sealed";
  changed.sealed_previous_secret.reset();
  changed.previous_secret_until.reset();
  changed.failing_since = kT0 + 77;
  changed.date_updated = kT0 + 99;
  Webhook attempt = changed;
  attempt.date_created = kT0 + 1000;  // ignored
  MustWrite([&](WriteTx& tx) { return tx.webhooks().Update(attempt); });
  EXPECT_EQ(Show(Find("1001", "WHK1")), Show(std::optional<Webhook>(changed)));
  // Updating a webhook that does not exist changes nothing and succeeds.
  MustWrite([&](WriteTx& tx) { return tx.webhooks().Update(MakeWebhook("WHK9", "1001")); });
  EXPECT_FALSE(Find("1001", "WHK9").has_value());
}

TEST_P(WebhooksContract, TakenIdsAndUnknownAccountsAreRefused) {
  AddWebhook(MakeWebhook("WHK1", "1001"));
  Status taken = store().Write([](WriteTx& tx) { return tx.webhooks().Insert(MakeWebhook("WHK1", "1002")); });
  EXPECT_TRUE(IsError(taken, ErrorCode::kAlreadyExists));
  Status dangling = store().Write([](WriteTx& tx) { return tx.webhooks().Insert(MakeWebhook("WHK2", "9999")); });
  EXPECT_TRUE(IsError(dangling, ErrorCode::kInternalError));
  // The transaction stays usable after a taken key.
  MustWrite([](WriteTx& tx) -> Status {
    EXPECT_TRUE(IsError(tx.webhooks().Insert(MakeWebhook("WHK1", "1001")), ErrorCode::kAlreadyExists));
    return tx.webhooks().Insert(MakeWebhook("WHK3", "1001"));
  });
  EXPECT_EQ(List("1001").size(), 2u);
}

TEST_P(WebhooksContract, DeleteTakesItsDeliveryRecordsAlong) {
  AddWebhook(MakeWebhook("WHK1", "1001"));
  AddWebhook(MakeWebhook("WHK2", "1001"));
  AddDelivery(MakeDelivery("DLV1", "WHK1", "1001", "EVT1"));
  AddDelivery(MakeDelivery("DLV2", "WHK2", "1001", "EVT1"));
  MustWrite([](WriteTx& tx) { return tx.webhooks().Delete("WHK1"); });
  EXPECT_FALSE(Find("1001", "WHK1").has_value());
  EXPECT_FALSE(FindDelivery("DLV1").has_value());
  EXPECT_TRUE(FindDelivery("DLV2").has_value());
  MustWrite([](WriteTx& tx) { return tx.webhooks().Delete("WHK1"); });  // again: nothing, ok
}

TEST_P(WebhooksContract, ConcurrentCreatesNeverExceedTheCap) {
  constexpr int kCap = 10;
  constexpr int kThreads = 8;
  constexpr int kTries = 3;
  std::atomic<int> created{0};
  RunThreads(kThreads, [&](int thread) {
    for (int i = 0; i < kTries; ++i) {
      const std::string id = "WHK" + std::to_string(thread) + "-" + std::to_string(i);
      Status s = store().Write([&](WriteTx& tx) -> Status {
        SID_ASSIGN_OR_RETURN(std::vector<Webhook> existing, tx.webhooks().List("1001"));
        if (static_cast<int>(existing.size()) >= kCap) return Error(ErrorCode::kLimitExceeded, "cap");
        std::this_thread::yield();
        return tx.webhooks().Insert(MakeWebhook(id, "1001"));
      });
      if (s.ok()) ++created;
      else EXPECT_TRUE(IsError(s, ErrorCode::kLimitExceeded));
    }
  });
  EXPECT_EQ(created.load(), kCap);
  EXPECT_EQ(List("1001").size(), static_cast<size_t>(kCap));
}

}  // namespace
}  // namespace senderid::contract
