// OperatorsRepository: operators, their sessions and bearer tokens (by keyed hash), the sign-in
// attempts of the lockout — and the lockout's invariant under concurrency.

#include <atomic>

#include "tests/contract/contract_fixture.h"

namespace senderid::contract {
namespace {

class OperatorsContract : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    AddOperator(MakeOperator("kim", OperatorRole::kAdmin));
    AddOperator(MakeOperator("lee"));
  }
  void AddOperator(const Operator& op) {
    MustWrite([&](WriteTx& tx) { return tx.operators().Insert(op); });
  }
  std::optional<Operator> FindOperator(const std::string& name) {
    return Query([&](ReadTx& tx) { return tx.operators().Find(name); });
  }
  std::optional<OperatorSession> FindSession(const std::string& hash) {
    return Query([&](ReadTx& tx) { return tx.operators().FindSession(hash); });
  }
  std::vector<TimeMs> ByName(const std::string& name, TimeMs since) {
    return Query([&](ReadTx& tx) { return tx.operators().AttemptTimes(name, "", since); });
  }
  std::vector<TimeMs> BySource(const std::string& source, TimeMs since) {
    return Query([&](ReadTx& tx) { return tx.operators().AttemptTimes("", source, since); });
  }
};
SID_CONTRACT_SUITE(OperatorsContract);

// Hashes are bytes (a keyed HMAC): NUL and high bytes must survive.
const std::string kHashA = std::string("\x00\xff session-a", 12);
const std::string kHashB = std::string("\x01\x00 session-b", 12);

TEST_P(OperatorsContract, OperatorsReadBackFieldByFieldAndListByName) {
  EXPECT_EQ(Show(FindOperator("kim")), Show(std::optional<Operator>(MakeOperator("kim", OperatorRole::kAdmin))));
  EXPECT_FALSE(FindOperator("park").has_value());
  EXPECT_FALSE(FindOperator("KIM").has_value()) << "names are exact";
  AddOperator(MakeOperator("choi"));
  std::vector<std::string> names;
  for (const Operator& o : Query([](ReadTx& tx) { return tx.operators().List(); }))
    names.push_back(o.name);
  EXPECT_EQ(names, (std::vector<std::string>{"choi", "kim", "lee"}));
}

TEST_P(OperatorsContract, InsertingATakenNameIsAlreadyExistsAndKeepsTheRow) {
  EXPECT_TRUE(IsError(store().Write([](WriteTx& tx) {
    return tx.operators().Insert(MakeOperator("kim", OperatorRole::kReviewer));
  }),
                      ErrorCode::kAlreadyExists));
  EXPECT_EQ(FindOperator("kim")->role, OperatorRole::kAdmin);
}

TEST_P(OperatorsContract, UpdateStoresRoleHashStateAndDateUpdatedOnly) {
  Operator changed = MakeOperator("lee");
  changed.role = OperatorRole::kAdmin;
  changed.password_hash = "$argon2id$new";
  changed.state = OperatorState::kDisabled;
  changed.date_created = 1;
  changed.date_updated = kT0 + 9;
  MustWrite([&](WriteTx& tx) { return tx.operators().Update(changed); });
  Operator expected = changed;
  expected.date_created = MakeOperator("lee").date_created;
  EXPECT_EQ(Show(FindOperator("lee")), Show(std::optional<Operator>(expected)));
  // An unknown operator changes nothing and succeeds.
  MustWrite([](WriteTx& tx) { return tx.operators().Update(MakeOperator("park")); });
  EXPECT_FALSE(FindOperator("park").has_value());
}

TEST_P(OperatorsContract, SessionsAreFoundByHashTouchedAndEnded) {
  const OperatorSession a{kHashA, "kim", kT0, kT0};
  const OperatorSession b{kHashB, "kim", kT0 + 1, kT0 + 1};
  MustWrite([&](WriteTx& tx) -> Status {
    SID_TRY(tx.operators().InsertSession(a));
    return tx.operators().InsertSession(b);
  });
  EXPECT_EQ(Show(FindSession(kHashA)), Show(std::optional<OperatorSession>(a)));
  EXPECT_FALSE(FindSession("unknown").has_value());
  EXPECT_TRUE(IsError(store().Write([&](WriteTx& tx) { return tx.operators().InsertSession(a); }),
                      ErrorCode::kAlreadyExists));
  MustWrite([&](WriteTx& tx) { return tx.operators().TouchSession(kHashA, kT0 + 60'000); });
  EXPECT_EQ(FindSession(kHashA)->last_seen_at, kT0 + 60'000);
  EXPECT_EQ(FindSession(kHashA)->created_at, kT0);
  MustWrite([&](WriteTx& tx) { return tx.operators().DeleteSession(kHashA); });
  EXPECT_FALSE(FindSession(kHashA).has_value());
  EXPECT_TRUE(FindSession(kHashB).has_value());
  MustWrite([&](WriteTx& tx) { return tx.operators().DeleteSessions("kim"); });
  EXPECT_FALSE(FindSession(kHashB).has_value());
}

TEST_P(OperatorsContract, ASessionOfAnUnknownOperatorIsRefused) {
  Status s = store().Write([&](WriteTx& tx) {
    return tx.operators().InsertSession(OperatorSession{kHashA, "park", kT0, kT0});
  });
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(FindSession(kHashA).has_value());
}

TEST_P(OperatorsContract, DeleteSessionsEndsOnlyThatOperatorsSessions) {
  MustWrite([&](WriteTx& tx) -> Status {
    SID_TRY(tx.operators().InsertSession(OperatorSession{kHashA, "kim", kT0, kT0}));
    return tx.operators().InsertSession(OperatorSession{kHashB, "lee", kT0, kT0});
  });
  MustWrite([&](WriteTx& tx) { return tx.operators().DeleteSessions("kim"); });
  EXPECT_FALSE(FindSession(kHashA).has_value());
  EXPECT_TRUE(FindSession(kHashB).has_value());
}

TEST_P(OperatorsContract, PruneSessionsForgetsIdleAndOldOnes) {
  const std::string fresh = "fresh", idle = "idle", old = "old";
  MustWrite([&](WriteTx& tx) -> Status {
    SID_TRY(tx.operators().InsertSession(OperatorSession{fresh, "kim", kT0, kT0 + 100}));
    SID_TRY(tx.operators().InsertSession(OperatorSession{idle, "kim", kT0, kT0 + 10}));
    return tx.operators().InsertSession(OperatorSession{old, "lee", kT0 - 100, kT0 + 100});
  });
  EXPECT_EQ(WriteGet([](WriteTx& tx) { return tx.operators().PruneSessions(kT0 + 50, kT0 - 50); }),
            2);
  EXPECT_TRUE(FindSession(fresh).has_value());
  EXPECT_FALSE(FindSession(idle).has_value());
  EXPECT_FALSE(FindSession(old).has_value());
}

TEST_P(OperatorsContract, TokensAreFoundByHashAndEndedPerOperator) {
  const OperatorToken t1{kHashA, "kim", kT0};
  const OperatorToken t2{kHashB, "kim", kT0 + 1};
  const OperatorToken t3{"lee-token", "lee", kT0 + 2};
  MustWrite([&](WriteTx& tx) -> Status {
    SID_TRY(tx.operators().InsertToken(t1));
    SID_TRY(tx.operators().InsertToken(t2));
    return tx.operators().InsertToken(t3);
  });
  EXPECT_EQ(Show(Query([&](ReadTx& tx) { return tx.operators().FindToken(kHashB); })),
            Show(std::optional<OperatorToken>(t2)));
  EXPECT_TRUE(IsError(store().Write([&](WriteTx& tx) { return tx.operators().InsertToken(t1); }),
                      ErrorCode::kAlreadyExists));
  EXPECT_FALSE(store()
                   .Write([&](WriteTx& tx) {
                     return tx.operators().InsertToken(OperatorToken{"x", "park", kT0});
                   })
                   .ok());
  EXPECT_EQ(WriteGet([](WriteTx& tx) { return tx.operators().DeleteTokens("kim"); }), 2);
  EXPECT_FALSE(Query([&](ReadTx& tx) { return tx.operators().FindToken(kHashA); }).has_value());
  EXPECT_TRUE(Query([&](ReadTx& tx) { return tx.operators().FindToken("lee-token"); }).has_value());
  EXPECT_EQ(WriteGet([](WriteTx& tx) { return tx.operators().DeleteTokens("kim"); }), 0);
}

TEST_P(OperatorsContract, AttemptsCountByNameAndBySourceAfterAMoment) {
  MustWrite([&](WriteTx& tx) -> Status {
    SID_TRY(tx.operators().InsertAttempt(LoginAttempt{"a1", "kim", "192.0.2.1", kT0 + 30}));
    SID_TRY(tx.operators().InsertAttempt(LoginAttempt{"a2", "kim", "192.0.2.2", kT0 + 10}));
    SID_TRY(tx.operators().InsertAttempt(LoginAttempt{"a3", "nobody", "192.0.2.1", kT0 + 20}));
    return tx.operators().InsertAttempt(LoginAttempt{"a4", "kim", "192.0.2.1", kT0});
  });
  using V = std::vector<TimeMs>;
  EXPECT_EQ(ByName("kim", kT0 - 1), (V{kT0, kT0 + 10, kT0 + 30}));
  EXPECT_EQ(ByName("kim", kT0), (V{kT0 + 10, kT0 + 30})) << "after `since`, not at it";
  EXPECT_EQ(ByName("nobody", 0), V{kT0 + 20});
  EXPECT_EQ(BySource("192.0.2.1", kT0 - 1), (V{kT0, kT0 + 20, kT0 + 30}));
  EXPECT_EQ(BySource("192.0.2.9", 0), V{});
  EXPECT_TRUE(IsError(store().Write([](WriteTx& tx) {
    return tx.operators().InsertAttempt(LoginAttempt{"a1", "x", "y", kT0});
  }),
                      ErrorCode::kAlreadyExists));

  MustWrite([](WriteTx& tx) { return tx.operators().DeleteAttempt("a1"); });
  EXPECT_EQ(ByName("kim", 0), (V{kT0, kT0 + 10}));
  MustWrite([](WriteTx& tx) { return tx.operators().ClearAttempts("kim"); });
  EXPECT_EQ(ByName("kim", 0), V{});
  EXPECT_EQ(BySource("192.0.2.1", 0), V{kT0 + 20}) << "the other name's attempt stays";
  EXPECT_EQ(WriteGet([](WriteTx& tx) { return tx.operators().PruneAttempts(kT0 + 21); }), 1);
  EXPECT_EQ(BySource("192.0.2.1", 0), V{});
}

// The lockout (SPEC §13): an attempt is counted in the transaction that checked the count, so
// however many sign-ins race, no more than the limit are let through to a password check.
TEST_P(OperatorsContract, ConcurrentAttemptsNeverPassTheLimit) {
  constexpr int kThreads = 8, kLimit = 5;
  std::atomic<int> admitted{0};
  RunThreads(kThreads, [&](int i) {
    Status s = store().Write([&](WriteTx& tx) -> Status {
      SID_ASSIGN_OR_RETURN(std::vector<TimeMs> seen, tx.operators().AttemptTimes("kim", "", 0));
      if (seen.size() >= kLimit) return Error(ErrorCode::kTooManyLoginAttempts, "locked");
      return tx.operators().InsertAttempt(
          LoginAttempt{"race-" + std::to_string(i), "kim", "192.0.2.1", kT0 + i});
    });
    if (s.ok()) admitted.fetch_add(1);
  });
  EXPECT_EQ(admitted.load(), kLimit);
  EXPECT_EQ(ByName("kim", 0).size(), static_cast<size_t>(kLimit));
}

}  // namespace
}  // namespace senderid::contract
