// VerificationsRepository: ARS transactions, which double as the record of placed calls.

#include "tests/contract/contract_fixture.h"

namespace senderid::contract {
namespace {

class VerificationsContract : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    AddAccount("1001");
    AddAccount("1002");
  }

  std::optional<MfaTransaction> Find(const std::string& id) {
    return Query([&](ReadTx& tx) { return tx.verifications().Find(id); });
  }
  std::vector<TimeMs> CallTimes(const std::string& account_id, const std::string& phone,
                                TimeMs since) {
    return Query(
        [&](ReadTx& tx) { return tx.verifications().CallTimes(account_id, phone, since); });
  }
};
SID_CONTRACT_SUITE(VerificationsContract);

TEST_P(VerificationsContract, InsertedTransactionReadsBackFieldByField) {
  MfaTransaction t = MakeTransaction("0123456789abcdef0123456789abcdef", "1001", "01011112222");
  t.state = MfaState::kPlacing;
  t.attempts_used = 2;
  AddTransaction(t);
  EXPECT_EQ(Show(Find(t.transaction_id)), Show(t));
  EXPECT_FALSE(Find("ffffffffffffffffffffffffffffffff").has_value());
}

TEST_P(VerificationsContract, InsertingATakenIdIsAlreadyExists) {
  const MfaTransaction t = MakeTransaction("t1", "1001", "01011112222");
  AddTransaction(t);
  EXPECT_TRUE(IsError(store().Write([](WriteTx& tx) {
    return tx.verifications().Insert(MakeTransaction("t1", "1002", "01033334444", kT0 + 1));
  }),
                      ErrorCode::kAlreadyExists));
  EXPECT_EQ(Show(Find("t1")), Show(t));
}

TEST_P(VerificationsContract, UpdateStoresAttemptsAndStateOnly) {
  const MfaTransaction original = MakeTransaction("t1", "1001", "01011112222");
  AddTransaction(original);
  MfaTransaction changed = MakeTransaction("t1", "1002", "01033334444", kT0 + 50);
  changed.code_hash = "other";
  changed.attempts_used = 3;
  changed.state = MfaState::kConsumed;
  MustWrite([&](WriteTx& tx) { return tx.verifications().Update(changed); });
  MfaTransaction expected = original;
  expected.attempts_used = 3;
  expected.state = MfaState::kConsumed;
  EXPECT_EQ(Show(Find("t1")), Show(expected));
}

TEST_P(VerificationsContract, DeleteForgetsTheTransactionAndItsCall) {
  AddTransaction(MakeTransaction("t1", "1001", "01011112222", kT0));
  AddTransaction(MakeTransaction("t2", "1001", "01011112222", kT0 + 1));
  MustWrite([](WriteTx& tx) { return tx.verifications().Delete("t1"); });
  EXPECT_FALSE(Find("t1").has_value());
  EXPECT_TRUE(Find("t2").has_value());
  EXPECT_EQ(CallTimes("1001", "01011112222", kT0 - 1), std::vector<TimeMs>{kT0 + 1});
}

TEST_P(VerificationsContract, VoidOpenVoidsTheEntrysOpenTransactionsButTheException) {
  auto add = [&](const std::string& id, const std::string& handle_key, MfaState state) {
    MfaTransaction t = MakeTransaction(id, "1001", "01011112222");
    t.handle_key = handle_key;
    t.state = state;
    AddTransaction(t);
  };
  add("open1", "SED1", MfaState::kOpen);
  add("open2", "SED1", MfaState::kOpen);
  add("keep", "SED1", MfaState::kOpen);
  add("placing", "SED1", MfaState::kPlacing);
  add("consumed", "SED1", MfaState::kConsumed);
  add("other", "SED2", MfaState::kOpen);
  MustWrite([](WriteTx& tx) { return tx.verifications().VoidOpen("SED1", "keep"); });
  auto state = [&](const std::string& id) {
    std::optional<MfaTransaction> t = Find(id);
    return t ? std::string(ToString(t->state)) : std::string("missing");
  };
  EXPECT_EQ(state("open1"), "VOID");
  EXPECT_EQ(state("open2"), "VOID");
  EXPECT_EQ(state("keep"), "OPEN");
  EXPECT_EQ(state("placing"), "PLACING");
  EXPECT_EQ(state("consumed"), "CONSUMED");
  EXPECT_EQ(state("other"), "OPEN");

  MustWrite([](WriteTx& tx) { return tx.verifications().VoidOpen("SED1", ""); });
  EXPECT_EQ(state("keep"), "VOID");
  EXPECT_EQ(state("other"), "OPEN");
}

TEST_P(VerificationsContract, CallTimesCountsEveryStateAfterSinceInItsThreeModes) {
  const std::string n1 = "01011112222";
  const std::string n2 = "01033334444";
  AddTransaction(MakeTransaction("a", "1001", n1, kT0 + 30, MfaState::kVoid));
  AddTransaction(MakeTransaction("b", "1001", n1, kT0 + 10, MfaState::kConsumed));
  AddTransaction(MakeTransaction("c", "1001", n2, kT0 + 20, MfaState::kPlacing));
  AddTransaction(MakeTransaction("d", "1002", n1, kT0 + 40));
  AddTransaction(MakeTransaction("e", "1001", n1, kT0, MfaState::kOpen));  // at since: not after

  EXPECT_EQ(CallTimes("1001", n1, kT0), (std::vector<TimeMs>{kT0 + 10, kT0 + 30}));
  EXPECT_EQ(CallTimes("1001", "", kT0), (std::vector<TimeMs>{kT0 + 10, kT0 + 20, kT0 + 30}));
  EXPECT_EQ(CallTimes("", n1, kT0), (std::vector<TimeMs>{kT0 + 10, kT0 + 30, kT0 + 40}));
  EXPECT_EQ(CallTimes("", n1, kT0 - 1), (std::vector<TimeMs>{kT0, kT0 + 10, kT0 + 30, kT0 + 40}));
  EXPECT_EQ(CallTimes("1002", n2, kT0 - 1), std::vector<TimeMs>{});
  EXPECT_EQ(CallTimes("1001", n1, kT0 + 30), std::vector<TimeMs>{});
}

TEST_P(VerificationsContract, PruneForgetsTransactionsCreatedBefore) {
  AddTransaction(MakeTransaction("old1", "1001", "0101", kT0 - 2));
  AddTransaction(MakeTransaction("old2", "1002", "0102", kT0 - 1));
  AddTransaction(MakeTransaction("edge", "1001", "0101", kT0));
  AddTransaction(MakeTransaction("new", "1001", "0101", kT0 + 1));
  EXPECT_EQ(WriteGet([](WriteTx& tx) { return tx.verifications().Prune(kT0); }), 2);
  EXPECT_FALSE(Find("old1").has_value());
  EXPECT_FALSE(Find("old2").has_value());
  EXPECT_TRUE(Find("edge").has_value());
  EXPECT_TRUE(Find("new").has_value());
  EXPECT_EQ(WriteGet([](WriteTx& tx) { return tx.verifications().Prune(kT0); }), 0);
}

}  // namespace
}  // namespace senderid::contract
