// Store::Read and Store::Write: visibility of committed writes, rollback on an error, snapshots,
// and a write function run twice by a retrying adapter.

#include <atomic>
#include <future>
#include <thread>

#include "tests/contract/contract_fixture.h"

namespace senderid::contract {
namespace {

class TransactionsContract : public StoreContract {};
SID_CONTRACT_SUITE(TransactionsContract);

TEST_P(TransactionsContract, AReadSeesEveryCommittedWriteAtOnce) {
  for (int i = 0; i < 20; ++i) {
    const std::string id = std::to_string(1000 + i);
    AddAccount(id);
    EXPECT_TRUE(Query([&](ReadTx& tx) { return tx.accounts().Find(id); }).has_value()) << id;
  }
}

TEST_P(TransactionsContract, AWriteSeesItsOwnChanges) {
  AddAccount("1001");
  MustWrite([](WriteTx& tx) -> Status {
    SID_TRY(tx.numbers().Insert(MakeEntry("SED1", "1001", "01011112222")));
    SID_TRY(tx.numbers().AppendLog("SED1", {kT0 + 1, "둘째"}));
    SID_TRY(tx.events().Append(MakeEvent("EVT1", "1001")));
    SID_ASSIGN_OR_RETURN(std::optional<SenderId> entry, tx.numbers().Find("1001", "01011112222"));
    EXPECT_TRUE(entry.has_value());
    EXPECT_EQ(entry.value_or(SenderId{}).log.size(), 2u);
    SID_ASSIGN_OR_RETURN(int count, tx.numbers().Count("1001"));
    EXPECT_EQ(count, 1);
    SID_ASSIGN_OR_RETURN(std::vector<EventRecord> events, tx.events().List("1001", 0, {}, 10));
    EXPECT_EQ(events.size(), 1u);
    return OkStatus();
  });
}

TEST_P(TransactionsContract, AnErrorFromFnKeepsNoneOfItsChangesAndComesBackUnchanged) {
  AddAccount("1001");
  AddEntry(MakeEntry("SED1", "1001", "01011112222"));
  AddDocument(MakeDocument("DOC1", "1001"));
  AddRequest(MakeRequest("APD1", ReviewKind::kApproval, "1001", "SED1", kT0, {"DOC1"}));
  const std::optional<SenderId> entry_before =
      Query([](ReadTx& tx) { return tx.numbers().Find("1001", "01011112222"); });

  Status s = store().Write([](WriteTx& tx) -> Status {
    SID_TRY(tx.accounts().Insert(MakeAccount("1002")));
    SID_TRY(tx.accounts().InsertKey(MakeKey("AK-1", "1002")));
    Account changed = MakeAccount("1001", 99);
    SID_TRY(tx.accounts().Update(changed));
    SID_TRY(tx.numbers().Insert(MakeEntry("SED2", "1001", "01033334444")));
    SID_TRY(tx.numbers().AppendLog("SED1", {kT0 + 1, "rolled back"}));
    SenderId active = MakeEntry("SED1", "1001", "01011112222");
    active.status = NumberStatus::kActive;
    SID_TRY(tx.numbers().Update(active));
    SID_TRY(tx.numbers().AllowSpecial("1001", "1588", kT0));
    SID_TRY(tx.verifications().Insert(MakeTransaction("t1", "1001", "01011112222")));
    SID_TRY(tx.documents().Insert(MakeDocument("DOC2", "1001")));
    SID_TRY(tx.reviews().ReleaseDocuments("APD1"));
    SID_TRY(tx.reviews().Insert(MakeRequest("LID1", ReviewKind::kLimitation, "1001", "")));
    SID_TRY(tx.events().Append(MakeEvent("EVT1", "1001")));
    return Error(ErrorCode::kLimitExceeded, "planned failure").WithRetryAfter(7);
  });
  ASSERT_TRUE(IsError(s, ErrorCode::kLimitExceeded));
  EXPECT_EQ(s.error().message, "planned failure");
  EXPECT_EQ(s.error().retry_after_seconds, std::optional<int64_t>(7));

  EXPECT_FALSE(Query([](ReadTx& tx) { return tx.accounts().Find("1002"); }).has_value());
  EXPECT_FALSE(Query([](ReadTx& tx) { return tx.accounts().FindKey("AK-1"); }).has_value());
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.accounts().Find("1001"); })),
            Show(MakeAccount("1001")));
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.numbers().Find("1001", "01011112222"); })),
            Show(entry_before));
  EXPECT_EQ(Query([](ReadTx& tx) { return tx.numbers().Count("1001"); }), 1);
  EXPECT_FALSE(Query([](ReadTx& tx) { return tx.numbers().IsSpecialAllowed("1001", "1588"); }));
  EXPECT_FALSE(Query([](ReadTx& tx) { return tx.verifications().Find("t1"); }).has_value());
  EXPECT_EQ(Query([](ReadTx& tx) { return tx.documents().Count("1001"); }), 1);
  EXPECT_TRUE(Query([](ReadTx& tx) { return tx.documents().Find("1001", "DOC1"); })
                  .value_or(Document{})
                  .use);
  EXPECT_FALSE(FindRequest("LID1").has_value());
  EXPECT_TRUE(Query([](ReadTx& tx) { return tx.events().List("1001", 0, {}, 10); }).empty());
  // The rolled-back event took no sequence.
  EXPECT_EQ(AddEvent(MakeEvent("EVT2", "1001")), 1);
}

TEST_P(TransactionsContract, AnInsertOfATakenKeyLeavesTheTransactionUsable) {
  // fn may look at kAlreadyExists and go on (say, with another id); the rest still commits.
  AddAccount("1001");
  MustWrite([](WriteTx& tx) -> Status {
    Status taken = tx.accounts().Insert(MakeAccount("1001", 9));
    EXPECT_TRUE(IsError(taken, ErrorCode::kAlreadyExists));
    SID_TRY(tx.accounts().Insert(MakeAccount("1002")));
    SID_TRY(tx.events().Append(MakeEvent("EVT1", "1002")));
    return OkStatus();
  });
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.accounts().Find("1001"); })),
            Show(MakeAccount("1001")));
  EXPECT_TRUE(Query([](ReadTx& tx) { return tx.accounts().Find("1002"); }).has_value());
  EXPECT_EQ(Query([](ReadTx& tx) { return tx.events().List("1002", 0, {}, 10); }).size(), 1u);
}

TEST_P(TransactionsContract, AReadSeesOneSnapshotWhileAWriteCommits) {
  AddAccount("1001");
  std::promise<void> read_started;
  std::promise<void> write_done;
  std::future<void> write_finished = write_done.get_future();
  std::thread reader([&] {
    Status s = store().Read([&](ReadTx& tx) -> Status {
      SID_ASSIGN_OR_RETURN(int before, tx.numbers().Count("1001"));
      EXPECT_EQ(before, 0);
      read_started.set_value();
      // Bounded: an adapter whose writers wait for readers fails here instead of hanging.
      EXPECT_EQ(write_finished.wait_for(kWait), std::future_status::ready);
      SID_ASSIGN_OR_RETURN(int after, tx.numbers().Count("1001"));
      EXPECT_EQ(after, 0) << "a read saw a write that committed after it started";
      SID_ASSIGN_OR_RETURN(std::optional<Account> other, tx.accounts().Find("1002"));
      EXPECT_FALSE(other.has_value());
      SID_ASSIGN_OR_RETURN(std::vector<EventRecord> events, tx.events().List("1001", 0, {}, 10));
      EXPECT_TRUE(events.empty());
      return OkStatus();
    });
    EXPECT_TRUE(IsOk(s));
  });
  EXPECT_EQ(read_started.get_future().wait_for(kWait), std::future_status::ready);
  MustWrite([](WriteTx& tx) -> Status {
    SID_TRY(tx.accounts().Insert(MakeAccount("1002")));
    SID_TRY(tx.numbers().Insert(MakeEntry("SED1", "1001", "01011112222")));
    SID_TRY(tx.events().Append(MakeEvent("EVT1", "1001")));
    return OkStatus();
  });
  write_done.set_value();
  reader.join();
  EXPECT_EQ(Query([](ReadTx& tx) { return tx.numbers().Count("1001"); }), 1);
}

TEST_P(TransactionsContract, ReadsNeverSeeHalfAWrite) {
  // Each write adds an entry and its event; every read must find as many of one as of the other.
  AddAccount("1001");
  constexpr int kWriters = 2;
  constexpr int kWrites = 15;
  constexpr int kReads = 40;
  std::atomic<int> mismatches{0};
  RunThreads(kWriters + 1, [&](int thread) {
    if (thread == kWriters) {
      for (int i = 0; i < kReads; ++i) {
        Status s = store().Read([&](ReadTx& tx) -> Status {
          SID_ASSIGN_OR_RETURN(int entries, tx.numbers().Count("1001"));
          SID_ASSIGN_OR_RETURN(std::vector<EventRecord> events,
                               tx.events().List("1001", 0, {}, 1000));
          if (static_cast<size_t>(entries) != events.size()) ++mismatches;
          return OkStatus();
        });
        EXPECT_TRUE(IsOk(s));
      }
      return;
    }
    for (int i = 0; i < kWrites; ++i) {
      const std::string key = "SED" + std::to_string(thread) + "-" + std::to_string(i);
      MustWrite([&](WriteTx& tx) -> Status {
        SID_TRY(
            tx.numbers().Insert(MakeEntry(key, "1001", "010" + std::to_string(thread * 100 + i))));
        SID_TRY(
            tx.events().Append(MakeEvent("EVT" + key, "1001", EventType::kSenderIdCreated, key)));
        return OkStatus();
      });
    }
  });
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(Query([](ReadTx& tx) { return tx.numbers().Count("1001"); }), kWriters * kWrites);
}

TEST_P(TransactionsContract, AWriteRunTwiceByARetryingAdapterLeavesOneEffect) {
  std::unique_ptr<StoreUnderTest> retrying = sut().ForceRetry();
  ASSERT_NE(retrying, nullptr);
  Store& s = retrying->store();
  int runs = 0;
  Result<int64_t> first = WriteValue<int64_t>(s, [&](WriteTx& tx) -> Result<int64_t> {
    ++runs;
    SID_TRY(tx.accounts().Insert(MakeAccount("1001")));  // a kept first run would make it taken
    return tx.events().Append(MakeEvent("EVT1", "1001"));
  });
  ASSERT_TRUE(IsOk(first));
  EXPECT_EQ(*first, 1);
  EXPECT_EQ(runs, 2) << "force_retry runs every write function twice";

  Result<int64_t> second = WriteValue<int64_t>(s, [&](WriteTx& tx) -> Result<int64_t> {
    ++runs;
    return tx.events().Append(MakeEvent("EVT2", "1001"));
  });
  ASSERT_TRUE(IsOk(second));
  EXPECT_EQ(*second, 2);
  EXPECT_EQ(runs, 4);

  Status check = s.Read([](ReadTx& tx) -> Status {
    SID_ASSIGN_OR_RETURN(std::optional<Account> account, tx.accounts().Find("1001"));
    EXPECT_EQ(Show(account), Show(MakeAccount("1001")));
    SID_ASSIGN_OR_RETURN(std::vector<EventRecord> events, tx.events().List("1001", 0, {}, 10));
    EXPECT_EQ(events.size(), 2u);
    for (size_t i = 0; i < events.size(); ++i)
      EXPECT_EQ(events[i].sequence, static_cast<int64_t>(i + 1));
    return OkStatus();
  });
  EXPECT_TRUE(IsOk(check));
}

}  // namespace
}  // namespace senderid::contract
