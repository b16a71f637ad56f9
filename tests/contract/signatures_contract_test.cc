// SignatureLedger: spent request signatures (SPEC §2 replay protection).

#include "tests/contract/contract_fixture.h"

namespace senderid::contract {
namespace {

class SignaturesContract : public StoreContract {
 protected:
  // 1: newly spent, 0: a replay, -1: an error (and a test failure).
  int Spend(const std::string& digest, TimeMs keep_until) {
    Result<bool> r = SpendWaiting(ledger(), digest, keep_until);
    EXPECT_TRUE(IsOk(r)) << digest;
    return r.ok() ? static_cast<int>(*r) : -1;
  }
};
SID_CONTRACT_SUITE(SignaturesContract);

TEST_P(SignaturesContract, ADigestIsAcceptedOnceThenEveryTimeAReplay) {
  EXPECT_EQ(Spend("digest-a", kT0), 1);
  EXPECT_EQ(Spend("digest-a", kT0), 0);
  EXPECT_EQ(Spend("digest-a", kT0), 0);
  EXPECT_EQ(Spend("digest-b", kT0), 1);
}

TEST_P(SignaturesContract, PruneForgetsDigestsKeptUntilBeforeNow) {
  ASSERT_EQ(Spend("old", kT0 - 1), 1);
  ASSERT_EQ(Spend("older", kT0 - 1000), 1);
  ASSERT_EQ(Spend("edge", kT0), 1);
  ASSERT_EQ(Spend("new", kT0 + 1), 1);
  Result<int> pruned = ledger().Prune(kT0);
  ASSERT_TRUE(IsOk(pruned));
  EXPECT_EQ(*pruned, 2);
  EXPECT_EQ(Spend("edge", kT0), 0);  // kept until now: not before it
  EXPECT_EQ(Spend("new", kT0 + 1), 0);
  EXPECT_EQ(Spend("old", kT0 - 1), 1);  // forgotten, so new again
  Result<int> again = ledger().Prune(kT0 - 1);
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ(*again, 0);
}

}  // namespace
}  // namespace senderid::contract
