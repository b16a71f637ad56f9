// AuditRepository: the append-only audit log, newest first, with its filters and pages.

#include "tests/contract/contract_fixture.h"

namespace senderid::contract {
namespace {

class AuditContract : public StoreContract {
 protected:
  void Append(const AuditEntry& e) {
    MustWrite([&](WriteTx& tx) { return tx.audit().Append(e); });
  }
  std::vector<std::string> Ids(const AuditFilter& f) {
    std::vector<std::string> out;
    for (const AuditEntry& e : Query([&](ReadTx& tx) { return tx.audit().List(f); }))
      out.push_back(e.audit_id);
    return out;
  }
};
SID_CONTRACT_SUITE(AuditContract);

TEST_P(AuditContract, EntriesReadBackFieldByFieldNewestFirst) {
  const AuditEntry older = MakeAudit("AUD1", "kim", "review.approve", "APD1", kT0);
  AuditEntry newer = MakeAudit("AUD2", "lee", "number.lookup", "01012345678", kT0 + 1);
  newer.reason.reset();
  Append(older);
  Append(newer);
  AuditFilter f;
  EXPECT_EQ(Show(Query([&](ReadTx& tx) { return tx.audit().List(f); })),
            Show(std::vector<AuditEntry>{newer, older}));
}

TEST_P(AuditContract, AppendingATakenIdIsAlreadyExistsAndKeepsTheEntry) {
  const AuditEntry e = MakeAudit("AUD1", "kim", "review.approve", "APD1", kT0);
  Append(e);
  EXPECT_TRUE(IsError(store().Write([](WriteTx& tx) {
    return tx.audit().Append(MakeAudit("AUD1", "lee", "key.revoke", "NCS1", kT0 + 5));
  }),
                      ErrorCode::kAlreadyExists));
  AuditFilter f;
  EXPECT_EQ(Show(Query([&](ReadTx& tx) { return tx.audit().List(f); })),
            Show(std::vector<AuditEntry>{e}));
}

TEST_P(AuditContract, FiltersStartKeysAndLimits) {
  Append(MakeAudit("AUD1", "kim", "review.claim", "APD1", kT0));
  Append(MakeAudit("AUD3", "kim", "review.approve", "APD1", kT0 + 10));
  Append(MakeAudit("AUD2", "lee", "review.reject", "APD2", kT0 + 10));  // same instant: later first
  Append(MakeAudit("AUD4", "lee", "document.view", "DOC1", kT0 + 20));
  using V = std::vector<std::string>;
  AuditFilter f;
  EXPECT_EQ(Ids(f), (V{"AUD4", "AUD2", "AUD3", "AUD1"}));
  f.operator_name = "kim";
  EXPECT_EQ(Ids(f), (V{"AUD3", "AUD1"}));
  f = AuditFilter{};
  f.target = "APD1";
  EXPECT_EQ(Ids(f), (V{"AUD3", "AUD1"}));
  f.action = "review.claim";
  EXPECT_EQ(Ids(f), V{"AUD1"});
  f = AuditFilter{};
  f.limit = 2;
  EXPECT_EQ(Ids(f), (V{"AUD4", "AUD2"}));
  f.start_key = "AUD2";
  EXPECT_EQ(Ids(f), (V{"AUD2", "AUD3"}));
  f.start_key = "AUD3";
  f.operator_name = "kim";
  EXPECT_EQ(Ids(f), (V{"AUD3", "AUD1"}));
  f.start_key = "AUD9";
  EXPECT_EQ(Ids(f), V{});
}

TEST_P(AuditContract, EntriesSurviveARestart) {
  if (!sut().durable()) GTEST_SKIP() << GetParam().name << " keeps nothing across a restart";
  const AuditEntry e = MakeAudit("AUD1", "kim", "operator.create", "lee", kT0);
  Append(e);
  ASSERT_TRUE(IsOk(sut().Reopen()));
  AuditFilter f;
  EXPECT_EQ(Show(Query([&](ReadTx& tx) { return tx.audit().List(f); })),
            Show(std::vector<AuditEntry>{e}));
}

}  // namespace
}  // namespace senderid::contract
