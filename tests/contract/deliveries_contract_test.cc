// DeliveriesRepository: the webhook outbox. Records field by field; one per (webhook, event);
// listing newest first; NextDue; and the claim — due records of enabled webhooks, earliest first,
// leased so that concurrent claimers (8 threads here; processes and instances on a server store)
// never get the same record while its lease holds, at most N per webhook counting the leases
// still held, an expired lease taken over. On PostgreSQL the claim is FOR UPDATE SKIP LOCKED (see
// core/ports/deliveries_repository.h); this suite is what it must pass.

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "tests/contract/contract_fixture.h"

namespace senderid::contract {
namespace {

class DeliveriesContract : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    AddAccount("1001");
    AddAccount("1002");
    AddWebhook(MakeWebhook("WHK1", "1001"));
    AddWebhook(MakeWebhook("WHK2", "1001"));
    AddWebhook(MakeWebhook("WHK3", "1002"));
  }
  std::vector<Delivery> Claim(TimeMs now, const std::string& token, int max = 100,
                              int per_webhook = 4) {
    return WriteGet([&](WriteTx& tx) {
      return tx.deliveries().Claim(now, now + 30 * kSecond, token, max, per_webhook);
    });
  }
  static std::vector<std::string> Ids(const std::vector<Delivery>& ds) {
    std::vector<std::string> out;
    for (const Delivery& d : ds) out.push_back(d.delivery_id);
    return out;
  }
  void SetStatus(const std::string& webhook_id, WebhookStatus status) {
    MustWrite([&](WriteTx& tx) -> Status {
      SID_ASSIGN_OR_RETURN(std::optional<Webhook> w,
                           tx.webhooks().Find(webhook_id == "WHK3" ? "1002" : "1001", webhook_id));
      w->status = status;
      return tx.webhooks().Update(*w);
    });
  }
};
SID_CONTRACT_SUITE(DeliveriesContract);

TEST_P(DeliveriesContract, RecordsReadBackFieldByField) {
  const Delivery d = MakeDelivery("DLV1", "WHK1", "1001", "EVT1");
  AddDelivery(d);
  EXPECT_EQ(Show(FindDelivery("DLV1")), Show(std::optional<Delivery>(d)));
  Delivery bare = MakeDelivery("DLV2", "WHK1", "1001", "EVT2");
  bare.response_status.reset();
  bare.duration_ms.reset();
  bare.next_attempt_at.reset();
  bare.error = DeliveryError::kForbiddenTarget;
  bare.status = DeliveryStatus::kFailed;
  AddDelivery(bare);
  EXPECT_EQ(Show(FindDelivery("DLV2")), Show(std::optional<Delivery>(bare)));
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.deliveries().FindByEvent("WHK1", "EVT2"); })),
            Show(std::optional<Delivery>(bare)));
  EXPECT_FALSE(Query([](ReadTx& tx) { return tx.deliveries().FindByEvent("WHK2", "EVT2"); }));
  EXPECT_FALSE(FindDelivery("DLV9").has_value());
}

TEST_P(DeliveriesContract, OneRecordPerWebhookAndEventAndNoneForAnUnknownWebhook) {
  AddDelivery(MakeDelivery("DLV1", "WHK1", "1001", "EVT1"));
  AddDelivery(MakeDelivery("DLV2", "WHK2", "1001", "EVT1"));  // same event, other webhook
  Status pair = store().Write([](WriteTx& tx) {
    return tx.deliveries().Insert(MakeDelivery("DLV3", "WHK1", "1001", "EVT1"));
  });
  EXPECT_TRUE(IsError(pair, ErrorCode::kAlreadyExists));
  Status id = store().Write([](WriteTx& tx) {
    return tx.deliveries().Insert(MakeDelivery("DLV1", "WHK2", "1001", "EVT9"));
  });
  EXPECT_TRUE(IsError(id, ErrorCode::kAlreadyExists));
  Status dangling = store().Write([](WriteTx& tx) {
    return tx.deliveries().Insert(MakeDelivery("DLV4", "WHK9", "1001", "EVT1"));
  });
  EXPECT_TRUE(IsError(dangling, ErrorCode::kInternalError));
}

TEST_P(DeliveriesContract, UpdateStoresEveryMutableField) {
  AddDelivery(MakeDelivery("DLV1", "WHK1", "1001", "EVT1"));
  Delivery d = MakeDelivery("DLV1", "WHK1", "1001", "EVT1");
  d.status = DeliveryStatus::kSucceeded;
  d.attempt = 7;
  d.run_attempts = 3;
  d.response_status = 204;
  d.error = DeliveryError::kRedirect;
  d.duration_ms = 9;
  d.next_attempt_at.reset();
  d.lease_until = kT0 + 3;
  d.lease_token = "tok";
  d.date_updated = kT0 + 50;
  Delivery attempt = d;
  attempt.event_id = "EVT9";  // ignored: the record stays the event's
  attempt.date_created = kT0 + 9999;
  MustWrite([&](WriteTx& tx) { return tx.deliveries().Update(attempt); });
  EXPECT_EQ(Show(FindDelivery("DLV1")), Show(std::optional<Delivery>(d)));
}

TEST_P(DeliveriesContract, ListIsNewestIdFirstFilteredAndPaged) {
  for (const char* id : {"DLV3", "DLV1", "DLV5", "DLV2", "DLV4"})
    AddDelivery(MakeDelivery(id, "WHK1", "1001", std::string("EVT") + id));
  AddDelivery(MakeDelivery("DLV6", "WHK2", "1001", "EVTx"));
  auto list = [&](DeliveryFilter f) {
    return Ids(Query([&](ReadTx& tx) { return tx.deliveries().List("WHK1", f); }));
  };
  using V = std::vector<std::string>;
  DeliveryFilter f;
  f.limit = 100;
  EXPECT_EQ(list(f), (V{"DLV5", "DLV4", "DLV3", "DLV2", "DLV1"}));
  f.limit = 2;
  EXPECT_EQ(list(f), (V{"DLV5", "DLV4"}));
  f.start_key = "DLV3";  // inclusive
  EXPECT_EQ(list(f), (V{"DLV3", "DLV2"}));
  f.start_key.reset();
  f.event_id = "EVTDLV2";
  EXPECT_EQ(list(f), V{"DLV2"});
}

TEST_P(DeliveriesContract, NextDueIsTheEarliestPendingOfAnEnabledWebhook) {
  EXPECT_FALSE(Query([](ReadTx& tx) { return tx.deliveries().NextDue(); }).has_value());
  AddDelivery(MakeDelivery("DLV1", "WHK1", "1001", "EVT1", kT0 + 50));
  AddDelivery(MakeDelivery("DLV2", "WHK2", "1001", "EVT1", kT0 + 10));
  Delivery done = MakeDelivery("DLV3", "WHK1", "1001", "EVT3", kT0);
  done.status = DeliveryStatus::kSucceeded;
  AddDelivery(done);
  auto next = [&] { return Query([](ReadTx& tx) { return tx.deliveries().NextDue(); }); };
  EXPECT_EQ(next(), kT0 + 10);
  SetStatus("WHK2", WebhookStatus::kDisabled);
  EXPECT_EQ(next(), kT0 + 50);
  SetStatus("WHK1", WebhookStatus::kDisabled);
  EXPECT_FALSE(next().has_value());
}

TEST_P(DeliveriesContract, OldestPendingIsTheEarliestCreatedPendingOfAnEnabledWebhook) {
  auto oldest = [&] { return Query([](ReadTx& tx) { return tx.deliveries().OldestPending(); }); };
  EXPECT_FALSE(oldest().has_value());
  // Created order differs from due order: the backlog is about how long an event has waited.
  AddDelivery(MakeDelivery("DLV1", "WHK1", "1001", "EVT1", kT0 + 5, kT0 + 40));
  AddDelivery(MakeDelivery("DLV2", "WHK2", "1001", "EVT2", kT0 + 50, kT0 + 20));
  Delivery done = MakeDelivery("DLV3", "WHK1", "1001", "EVT3", kT0, kT0);
  done.status = DeliveryStatus::kSucceeded;
  done.next_attempt_at.reset();
  AddDelivery(done);
  EXPECT_EQ(oldest(), kT0 + 20);
  SetStatus("WHK2", WebhookStatus::kDisabled);
  EXPECT_EQ(oldest(), kT0 + 40) << "a disabled webhook's records wait for their customer";
  SetStatus("WHK1", WebhookStatus::kDisabled);
  EXPECT_FALSE(oldest().has_value());
}

TEST_P(DeliveriesContract, ClaimLeasesDueRecordsOfEnabledWebhooksEarliestFirst) {
  AddDelivery(MakeDelivery("DLV1", "WHK1", "1001", "EVT1", kT0 + 20));
  AddDelivery(MakeDelivery("DLV2", "WHK1", "1001", "EVT2", kT0 - 10));
  AddDelivery(MakeDelivery("DLV3", "WHK2", "1001", "EVT3", kT0));
  AddDelivery(MakeDelivery("DLV4", "WHK3", "1002", "EVT4", kT0 + 1));   // not due yet
  Delivery failed = MakeDelivery("DLV5", "WHK1", "1001", "EVT5", kT0 - 99);
  failed.status = DeliveryStatus::kFailed;
  AddDelivery(failed);
  AddDelivery(MakeDelivery("DLV6", "WHK3", "1002", "EVT6", kT0 - 50));
  SetStatus("WHK3", WebhookStatus::kDisabled);

  const std::vector<Delivery> claimed = Claim(kT0, "tokA");
  EXPECT_EQ(Ids(claimed), (std::vector<std::string>{"DLV2", "DLV3"}));
  for (const Delivery& d : claimed) {
    EXPECT_EQ(d.lease_until, kT0 + 30 * kSecond);
    EXPECT_EQ(d.lease_token, "tokA");
    EXPECT_EQ(Show(FindDelivery(d.delivery_id)), Show(std::optional<Delivery>(d)));
  }
  EXPECT_TRUE(Claim(kT0, "tokB").empty()) << "leased records are not claimed again";
  // `max` bounds a claim.
  EXPECT_EQ(Ids(Claim(kT0 + 20, "tokC", 1)), std::vector<std::string>{"DLV1"});
  // An expired lease is taken over.
  const std::vector<Delivery> later = Claim(kT0 + 30 * kSecond, "tokD");
  EXPECT_EQ(Ids(later), (std::vector<std::string>{"DLV2", "DLV3"}));
  EXPECT_EQ(FindDelivery("DLV2")->lease_token, "tokD");
  // Releasing every lease makes the leased ones claimable at once.
  EXPECT_EQ(WriteGet([](WriteTx& tx) { return tx.deliveries().ReleaseLeases(); }), 3);
  EXPECT_EQ(Claim(kT0 + 30 * kSecond, "tokE").size(), 3u);
}

TEST_P(DeliveriesContract, ClaimCountsLeasesStillHeldAgainstThePerWebhookCap) {
  for (int i = 0; i < 7; ++i)
    AddDelivery(MakeDelivery("DLV1-" + std::to_string(i), "WHK1", "1001", "EVT" + std::to_string(i),
                             kT0 - 100 + i));
  AddDelivery(MakeDelivery("DLV2-0", "WHK2", "1001", "EVT0", kT0));
  const std::vector<Delivery> first = Claim(kT0, "tokA", 100, 4);
  std::map<std::string, int> per;
  for (const Delivery& d : first) ++per[d.webhook_id];
  EXPECT_EQ(per["WHK1"], 4) << "the cap, though seven are due";
  EXPECT_EQ(per["WHK2"], 1) << "another webhook is not held back by WHK1's backlog";
  EXPECT_TRUE(Claim(kT0, "tokB", 100, 4).empty());
  // One finishes (its lease cleared): one more of WHK1.
  Delivery done = *FindDelivery(first[0].delivery_id);
  done.status = DeliveryStatus::kSucceeded;
  done.lease_until.reset();
  done.lease_token.clear();
  MustWrite([&](WriteTx& tx) { return tx.deliveries().Update(done); });
  EXPECT_EQ(Claim(kT0, "tokC", 100, 4).size(), 1u);
}

TEST_P(DeliveriesContract, ConcurrentClaimersNeverShareALeasedRecord) {
  constexpr int kRecords = 60;
  constexpr int kThreads = 8;
  AddWebhook(MakeWebhook("WHK4", "1001"));
  for (int i = 0; i < kRecords; ++i)
    AddDelivery(MakeDelivery("DLV" + std::to_string(1000 + i), i % 2 ? "WHK1" : "WHK4", "1001",
                             "EVT" + std::to_string(i), kT0 - i));
  std::mutex mu;
  std::map<std::string, std::string> holder;  // delivery → token
  std::atomic<int> duplicates{0};
  RunThreads(kThreads, [&](int thread) {
    for (int round = 0; round < 40; ++round) {
      const std::string token = "t" + std::to_string(thread) + "-" + std::to_string(round);
      Result<std::vector<Delivery>> claimed =
          WriteValue<std::vector<Delivery>>(store(), [&](WriteTx& tx) {
            return tx.deliveries().Claim(kT0, kT0 + kMinute, token, 3, 1000);
          });
      ASSERT_TRUE(IsOk(claimed));
      std::lock_guard lock(mu);
      for (const Delivery& d : *claimed)
        if (!holder.emplace(d.delivery_id, token).second) ++duplicates;
    }
  });
  EXPECT_EQ(duplicates.load(), 0);
  EXPECT_EQ(holder.size(), static_cast<size_t>(kRecords)) << "every record claimed once";
  for (const auto& [id, token] : holder) EXPECT_EQ(FindDelivery(id)->lease_token, token) << id;
  // Under the per-webhook cap, concurrent claimers together never exceed it.
  EXPECT_EQ(WriteGet([](WriteTx& tx) { return tx.deliveries().ReleaseLeases(); }), kRecords);
  std::atomic<int> leased{0};
  RunThreads(kThreads, [&](int thread) {
    Result<std::vector<Delivery>> claimed =
        WriteValue<std::vector<Delivery>>(store(), [&](WriteTx& tx) {
          return tx.deliveries().Claim(kT0, kT0 + kMinute, "c" + std::to_string(thread), 100, 4);
        });
    ASSERT_TRUE(IsOk(claimed));
    leased += static_cast<int>(claimed->size());
  });
  EXPECT_EQ(leased.load(), 8) << "4 per webhook, 2 webhooks";
}

TEST_P(DeliveriesContract, PruneForgetsRecordsCreatedBefore) {
  AddDelivery(MakeDelivery("DLV1", "WHK1", "1001", "EVT1", kT0, kT0 - 2));
  AddDelivery(MakeDelivery("DLV2", "WHK1", "1001", "EVT2", kT0, kT0));
  EXPECT_EQ(WriteGet([](WriteTx& tx) { return tx.deliveries().Prune(kT0); }), 1);
  EXPECT_FALSE(FindDelivery("DLV1").has_value());
  EXPECT_TRUE(FindDelivery("DLV2").has_value());
}

}  // namespace
}  // namespace senderid::contract
