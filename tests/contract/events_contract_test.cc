// EventsRepository: the per-account, gap-free event log.

#include "tests/contract/contract_fixture.h"

namespace senderid::contract {
namespace {

class EventsContract : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    AddAccount("1001");
    AddAccount("1002");
  }

  std::vector<EventRecord> List(const std::string& account_id, int64_t after,
                                std::vector<EventType> types = {}, int limit = 100) {
    return Query([&](ReadTx& tx) { return tx.events().List(account_id, after, types, limit); });
  }
  std::vector<int64_t> Sequences(const std::vector<EventRecord>& events) {
    std::vector<int64_t> out;
    for (const EventRecord& e : events) out.push_back(e.sequence);
    return out;
  }
};
SID_CONTRACT_SUITE(EventsContract);

TEST_P(EventsContract, AppendNumbersEachAccountFromOneAndEventsReadBackFieldByField) {
  EventRecord first = MakeEvent("EVT1", "1001", EventType::kSenderIdCreated, "SED1", kT0);
  first.sequence = 42;  // assigned by the store, whatever the caller says
  EXPECT_EQ(AddEvent(first), 1);
  EXPECT_EQ(AddEvent(MakeEvent("EVT2", "1002", EventType::kDocumentUploaded, "DOC1", kT0 + 1)), 1);
  EXPECT_EQ(AddEvent(MakeEvent("EVT3", "1001", EventType::kSenderIdVerified, "SED1", kT0 + 2)), 2);
  // Several in one transaction.
  EXPECT_EQ(WriteGet([](WriteTx& tx) -> Result<int64_t> {
              SID_TRY(tx.events().Append(MakeEvent("EVT4", "1001")));
              return tx.events().Append(MakeEvent("EVT5", "1001"));
            }),
            4);

  first.sequence = 1;
  EventRecord third = MakeEvent("EVT3", "1001", EventType::kSenderIdVerified, "SED1", kT0 + 2);
  third.sequence = 2;
  const std::vector<EventRecord> events = List("1001", 0);
  EXPECT_EQ(Sequences(events), (std::vector<int64_t>{1, 2, 3, 4}));
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(Show(events[0]), Show(first));
  EXPECT_EQ(Show(events[1]), Show(third));
  EXPECT_EQ(Sequences(List("1002", 0)), std::vector<int64_t>{1});
}

TEST_P(EventsContract, ListTakesEventsAfterASequenceOfTheGivenTypesUpToALimit) {
  const EventType created = EventType::kSenderIdCreated;
  const EventType deleted = EventType::kSenderIdDeleted;
  const EventType uploaded = EventType::kDocumentUploaded;
  for (int i = 1; i <= 6; ++i)
    AddEvent(MakeEvent("EVT" + std::to_string(i), "1001",
                       i % 3 == 0 ? uploaded : (i % 2 == 0 ? deleted : created)));
  // types by sequence: 1 created, 2 deleted, 3 uploaded, 4 deleted, 5 created, 6 uploaded
  using V = std::vector<int64_t>;
  EXPECT_EQ(Sequences(List("1001", 0)), (V{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(Sequences(List("1001", 4)), (V{5, 6}));
  EXPECT_EQ(Sequences(List("1001", 6)), V{});
  EXPECT_EQ(Sequences(List("1001", 1, {}, 2)), (V{2, 3}));
  EXPECT_EQ(Sequences(List("1001", 0, {uploaded})), (V{3, 6}));
  EXPECT_EQ(Sequences(List("1001", 0, {created, deleted})), (V{1, 2, 4, 5}));
  EXPECT_EQ(Sequences(List("1001", 1, {created, deleted}, 2)), (V{2, 4}));
  EXPECT_EQ(Sequences(List("1002", 0)), V{});
}

TEST_P(EventsContract, TimesAreOfOneTypeAndSubjectAtOrAfterSinceAscending) {
  const EventType changed = EventType::kSenderIdStatusChanged;
  AddEvent(MakeEvent("EVT1", "1001", changed, "SED1", kT0 + 30));
  AddEvent(MakeEvent("EVT2", "1001", changed, "SED1", kT0 + 10));
  AddEvent(MakeEvent("EVT3", "1001", changed, "SED1", kT0));
  AddEvent(MakeEvent("EVT4", "1001", changed, "SED2", kT0 + 20));
  AddEvent(MakeEvent("EVT5", "1001", EventType::kSenderIdVerified, "SED1", kT0 + 20));
  AddEvent(MakeEvent("EVT6", "1002", changed, "SED1", kT0 + 20));
  auto times = [&](const std::string& account, const std::string& subject, TimeMs since) {
    return Query([&](ReadTx& tx) { return tx.events().Times(account, changed, subject, since); });
  };
  using V = std::vector<TimeMs>;
  EXPECT_EQ(times("1001", "SED1", kT0 + 10), (V{kT0 + 10, kT0 + 30}));  // since is inclusive
  EXPECT_EQ(times("1001", "SED1", kT0 - 1), (V{kT0, kT0 + 10, kT0 + 30}));
  EXPECT_EQ(times("1001", "SED2", kT0), V{kT0 + 20});
  EXPECT_EQ(times("1002", "SED1", kT0), V{kT0 + 20});
  EXPECT_EQ(times("1001", "SED3", kT0), V{});
}

TEST_P(EventsContract, PruneForgetsOldEventsAndSequencesAreNeverReused) {
  AddEvent(MakeEvent("EVT1", "1001", EventType::kSenderIdCreated, "SED1", kT0 - 2));
  AddEvent(MakeEvent("EVT2", "1001", EventType::kSenderIdCreated, "SED1", kT0 - 1));
  AddEvent(MakeEvent("EVT3", "1002", EventType::kSenderIdCreated, "SED1", kT0 - 1));
  AddEvent(
      MakeEvent("EVT4", "1001", EventType::kSenderIdCreated, "SED1", kT0));  // kept: not before
  EXPECT_EQ(WriteGet([](WriteTx& tx) { return tx.events().Prune(kT0); }), 3);
  EXPECT_EQ(Sequences(List("1001", 0)), std::vector<int64_t>{3});
  EXPECT_TRUE(List("1002", 0).empty());

  EXPECT_EQ(WriteGet([](WriteTx& tx) { return tx.events().Prune(kT0 + 1); }), 1);
  EXPECT_TRUE(List("1001", 0).empty());
  // With every event of the account gone, the next one still continues the sequence.
  EXPECT_EQ(AddEvent(MakeEvent("EVT5", "1001", EventType::kSenderIdDeleted, "SED1", kT0 + 1)), 4);
  EXPECT_EQ(AddEvent(MakeEvent("EVT6", "1002", EventType::kSenderIdDeleted, "SED1", kT0 + 1)), 2);
}

TEST_P(EventsContract, AppendForAnUnknownAccountIsAnInternalError) {
  Status s = store().Write([](WriteTx& tx) -> Status {
    SID_TRY(tx.events().Append(MakeEvent("EVT1", "9999")));
    return OkStatus();
  });
  EXPECT_TRUE(IsError(s, ErrorCode::kInternalError));
}

}  // namespace
}  // namespace senderid::contract
