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
  // An adapter may forget a digest later than its keep_until (the PostgreSQL one drops hour
  // partitions whole), never earlier: "old" and "older" may or may not be forgotten yet, the
  // day-old ones must be, "edge" and "new" must not.
  ASSERT_EQ(Spend("old", kT0 - 1), 1);
  ASSERT_EQ(Spend("older", kT0 - 1000), 1);
  ASSERT_EQ(Spend("day-old", kT0 - kDay), 1);
  ASSERT_EQ(Spend("day-old-2", kT0 - kDay + 1), 1);
  ASSERT_EQ(Spend("edge", kT0), 1);
  ASSERT_EQ(Spend("new", kT0 + 1), 1);
  Result<int> pruned = ledger().Prune(kT0);
  ASSERT_TRUE(IsOk(pruned));
  EXPECT_GE(*pruned, 2);
  EXPECT_LE(*pruned, 4);
  EXPECT_EQ(Spend("edge", kT0), 0);  // kept until now: not before it
  EXPECT_EQ(Spend("new", kT0 + 1), 0);
  EXPECT_EQ(Spend("day-old", kT0 - kDay), 1);  // forgotten, so new again
  EXPECT_EQ(Spend("day-old-2", kT0 - kDay + 1), 1);
  Result<int> again = ledger().Prune(kT0 - 2 * kDay);
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ(*again, 0);
}

}  // namespace
}  // namespace senderid::contract
