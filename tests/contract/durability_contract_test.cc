// What a committed Write and a spent digest promise across a restart (StoreUnderTest::Reopen), for
// the adapters that keep their data outside the process.

#include "tests/contract/contract_fixture.h"

namespace senderid::contract {
namespace {

class DurabilityContract : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    if (!IsSkipped() && !HasFatalFailure() && !sut().durable())
      GTEST_SKIP() << GetParam().name << " keeps nothing across a restart";
  }
};
SID_CONTRACT_SUITE(DurabilityContract);

TEST_P(DurabilityContract, CommittedRowsEventsAndSpentDigestsSurviveARestart) {
  AddAccount("1001");
  const StoredApiKey key = MakeKey("AK-1", "1001");
  MustWrite([&](WriteTx& tx) { return tx.accounts().InsertKey(key); });
  SenderId entry = MakeEntry("SED1", "1001", "01011112222");
  AddEntry(entry);
  const LogEntry line{kT0 + 1, "서류 제출"};
  MustWrite([&](WriteTx& tx) { return tx.numbers().AppendLog("SED1", line); });
  AddDocument(MakeDocument("DOC1", "1001"));
  const ReviewRequest approval =
      MakeRequest("APD1", ReviewKind::kApproval, "1001", "SED1", kT0 + 1, {"DOC1"});
  AddRequest(approval);
  const MfaTransaction call = MakeTransaction("t1", "1001", "01011112222");
  AddTransaction(call);
  MustWrite([](WriteTx& tx) { return tx.numbers().AllowSpecial("1001", "1588", kT0); });
  ASSERT_EQ(AddEvent(MakeEvent("EVT1", "1001")), 1);
  ASSERT_EQ(AddEvent(MakeEvent("EVT2", "1001")), 2);
  // Every event is pruned: the restarted store must still not hand their sequences out again.
  ASSERT_EQ(AddEvent(MakeEvent("EVT3", "1001", EventType::kSenderIdDeleted, "SED1", kT0 + kDay)),
            3);
  EXPECT_EQ(WriteGet([](WriteTx& tx) { return tx.events().Prune(kT0 + 2 * kDay); }), 3);
  Result<bool> spent = SpendWaiting(ledger(), "digest-a", kT0 + kDay);
  ASSERT_TRUE(IsOk(spent));
  ASSERT_TRUE(*spent);

  ASSERT_TRUE(IsOk(sut().Reopen()));

  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.accounts().Find("1001"); })),
            Show(MakeAccount("1001")));
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.accounts().FindKey("AK-1"); })), Show(key));
  entry.log.push_back(line);
  entry.approvals = {approval};
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.numbers().Find("1001", "01011112222"); })),
            Show(entry));
  Document document = MakeDocument("DOC1", "1001");
  document.use = true;
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.documents().Find("1001", "DOC1"); })),
            Show(document));
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.verifications().Find("t1"); })), Show(call));
  EXPECT_TRUE(Query([](ReadTx& tx) { return tx.numbers().IsSpecialAllowed("1001", "1588"); }));
  EXPECT_EQ(AddEvent(MakeEvent("EVT4", "1001")), 4);
  Result<bool> replay = SpendWaiting(ledger(), "digest-a", kT0 + kDay);
  ASSERT_TRUE(IsOk(replay));
  EXPECT_FALSE(*replay) << "a spent digest was forgotten by the restart";
}

TEST_P(DurabilityContract, ARolledBackWriteIsNotThereAfterARestart) {
  AddAccount("1001");
  Status s = store().Write([](WriteTx& tx) -> Status {
    SID_TRY(tx.accounts().Insert(MakeAccount("1002")));
    SID_TRY(tx.events().Append(MakeEvent("EVT1", "1001")));
    return Error(ErrorCode::kValidationError, "planned failure");
  });
  EXPECT_TRUE(IsError(s, ErrorCode::kValidationError));
  ASSERT_TRUE(IsOk(sut().Reopen()));
  EXPECT_FALSE(Query([](ReadTx& tx) { return tx.accounts().Find("1002"); }).has_value());
  EXPECT_EQ(AddEvent(MakeEvent("EVT2", "1001")), 1);
}

}  // namespace
}  // namespace senderid::contract
