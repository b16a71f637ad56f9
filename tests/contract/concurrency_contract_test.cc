// The invariants the core checks inside one Write (read, check, write), under many threads at once:
// each must hold however the adapter interleaves or retries the transactions. Only the ports are
// used, no service: a failure here is the adapter's. Each function yields between its check and its
// write, where a race would slip in, so that a broken adapter fails reliably rather than rarely.

#include <algorithm>
#include <atomic>
#include <mutex>
#include <numeric>
#include <thread>

#include "tests/contract/contract_fixture.h"

namespace senderid::contract {
namespace {

constexpr int kThreads = 8;

class ConcurrencyContract : public StoreContract {
 protected:
  // Step 1 of ARS places a call only while the calls recorded since the window began are under
  // the cap: of one account to the number (one_account), or of every account to the number.
  void ExpectCallCapHolds(bool one_account) {
    constexpr int kCap = 3;
    constexpr int kTries = 2;
    const std::string number = "01011112222";
    std::atomic<int> placed{0};
    RunThreads(kThreads, [&](int thread) {
      const std::string account = one_account ? "1001" : std::to_string(2000 + thread);
      for (int i = 0; i < kTries; ++i) {
        const std::string id = "t" + std::to_string(thread) + "-" + std::to_string(i);
        Status s = store().Write([&](WriteTx& tx) -> Status {
          // Per account and number, or per number across accounts.
          SID_ASSIGN_OR_RETURN(
              std::vector<TimeMs> calls,
              tx.verifications().CallTimes(one_account ? account : "", number, kT0 - kDay));
          if (static_cast<int>(calls.size()) >= kCap)
            return Error(ErrorCode::kTooManyVerificationCalls, "cap");
          std::this_thread::yield();  // between check and write, where a race would slip in
          return tx.verifications().Insert(
              MakeTransaction(id, account, number, kT0 + thread * kTries + i, MfaState::kPlacing));
        });
        if (s.ok())
          ++placed;
        else
          EXPECT_TRUE(IsError(s, ErrorCode::kTooManyVerificationCalls));
      }
    });
    EXPECT_EQ(placed.load(), kCap);
    Result<std::vector<TimeMs>> calls = ReadValue<std::vector<TimeMs>>(
        store(), [&](ReadTx& tx) { return tx.verifications().CallTimes("", number, kT0 - kDay); });
    ASSERT_TRUE(IsOk(calls));
    EXPECT_EQ(calls->size(), static_cast<size_t>(kCap));
  }
};
SID_CONTRACT_SUITE(ConcurrencyContract);

TEST_P(ConcurrencyContract, EntriesCreatedUpToTheLimitNeverExceedIt) {
  constexpr int kLimit = 5;
  constexpr int kTries = 4;  // 32 attempts for 5 places
  AddAccount("1001", kLimit);
  std::atomic<int> created{0};
  RunThreads(kThreads, [&](int thread) {
    for (int i = 0; i < kTries; ++i) {
      const std::string number = std::to_string(1000 + thread * kTries + i);
      Status s = store().Write([&](WriteTx& tx) -> Status {
        SID_ASSIGN_OR_RETURN(std::optional<Account> account, tx.accounts().Find("1001"));
        if (!account) return Error(ErrorCode::kInternalError, "no account");
        SID_ASSIGN_OR_RETURN(int count, tx.numbers().Count("1001"));
        if (count >= account->limit) return Error(ErrorCode::kLimitExceeded, "full");
        std::this_thread::yield();
        return tx.numbers().Insert(MakeEntry("SED" + number, "1001", "010" + number));
      });
      if (s.ok())
        ++created;
      else
        EXPECT_TRUE(IsError(s, ErrorCode::kLimitExceeded));
    }
  });
  EXPECT_EQ(created.load(), kLimit);
  EXPECT_EQ(Query([](ReadTx& tx) { return tx.numbers().Count("1001"); }), kLimit);
}

TEST_P(ConcurrencyContract, ExactlyOneWriteConsumesAnOpenTransaction) {
  AddAccount("1001");
  for (int round = 0; round < 4; ++round) {
    const std::string id = "t" + std::to_string(round);
    AddTransaction(MakeTransaction(id, "1001", "01011112222"));
    std::atomic<int> consumed{0};
    RunThreads(kThreads, [&](int) {
      Status s = store().Write([&](WriteTx& tx) -> Status {
        SID_ASSIGN_OR_RETURN(std::optional<MfaTransaction> t, tx.verifications().Find(id));
        if (!t || t->state != MfaState::kOpen)
          return Error(ErrorCode::kMFATransactionExpired, "not open");
        std::this_thread::yield();
        t->attempts_used += 1;
        t->state = MfaState::kConsumed;
        return tx.verifications().Update(*t);
      });
      if (s.ok())
        ++consumed;
      else
        EXPECT_TRUE(IsError(s, ErrorCode::kMFATransactionExpired));
    });
    EXPECT_EQ(consumed.load(), 1) << id;
    std::optional<MfaTransaction> t =
        Query([&](ReadTx& tx) { return tx.verifications().Find(id); });
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->state, MfaState::kConsumed);
    EXPECT_EQ(t->attempts_used, 1);
  }
}

TEST_P(ConcurrencyContract, ConcurrentAttemptCountersLoseNoIncrement) {
  AddAccount("1001");
  AddTransaction(MakeTransaction("t1", "1001", "01011112222"));
  constexpr int kEach = 3;
  RunThreads(kThreads, [&](int) {
    for (int i = 0; i < kEach; ++i)
      MustWrite([&](WriteTx& tx) -> Status {
        SID_ASSIGN_OR_RETURN(std::optional<MfaTransaction> t, tx.verifications().Find("t1"));
        if (!t) return Error(ErrorCode::kInternalError, "gone");
        std::this_thread::yield();
        t->attempts_used += 1;
        return tx.verifications().Update(*t);
      });
  });
  std::optional<MfaTransaction> t = Query([](ReadTx& tx) { return tx.verifications().Find("t1"); });
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->attempts_used, kThreads * kEach);
}

TEST_P(ConcurrencyContract, TheCallCapOfOneAccountAndNumberHoldsUnderConcurrentCalls) {
  AddAccount("1001");
  ExpectCallCapHolds(/*one_account=*/true);
}

TEST_P(ConcurrencyContract, TheCallCapOfANumberAcrossAccountsHoldsUnderConcurrentCalls) {
  for (int thread = 0; thread < kThreads; ++thread) AddAccount(std::to_string(2000 + thread));
  ExpectCallCapHolds(/*one_account=*/false);
}

TEST_P(ConcurrencyContract, ADigestSpentConcurrentlyIsAcceptedExactlyOnce) {
  for (int round = 0; round < 5; ++round) {
    const std::string digest = "digest-" + std::to_string(round);
    std::atomic<int> accepted{0};
    std::atomic<int> replays{0};
    RunThreads(kThreads, [&](int) {
      Result<bool> r = SpendWaiting(ledger(), digest, kT0 + kDay);
      EXPECT_TRUE(IsOk(r));
      if (r.ok()) ++(*r ? accepted : replays);
    });
    EXPECT_EQ(accepted.load(), 1) << digest;
    EXPECT_EQ(replays.load(), kThreads - 1) << digest;
  }
}

TEST_P(ConcurrencyContract, ConcurrentAppendsNumberAnAccountsEventsWithoutGapOrRepeat) {
  AddAccount("1001");
  AddAccount("1002");
  constexpr int kEach = 10;
  std::mutex mu;
  std::vector<int64_t> returned;
  RunThreads(kThreads, [&](int thread) {
    for (int i = 0; i < kEach; ++i) {
      const std::string id = "EVT" + std::to_string(thread) + "-" + std::to_string(i);
      // Odd threads also append to a second account in the same transaction.
      Result<int64_t> seq = WriteValue<int64_t>(store(), [&](WriteTx& tx) -> Result<int64_t> {
        if (thread % 2 == 1) SID_TRY(tx.events().Append(MakeEvent(id + "b", "1002")));
        return tx.events().Append(MakeEvent(id, "1001"));
      });
      EXPECT_TRUE(IsOk(seq));
      if (seq.ok()) {
        std::lock_guard lock(mu);
        returned.push_back(*seq);
      }
    }
  });
  std::vector<int64_t> expected(kThreads * kEach);
  std::iota(expected.begin(), expected.end(), 1);
  std::sort(returned.begin(), returned.end());
  EXPECT_EQ(returned, expected);

  std::vector<int64_t> listed;
  for (const EventRecord& e :
       Query([](ReadTx& tx) { return tx.events().List("1001", 0, {}, 1000); }))
    listed.push_back(e.sequence);
  EXPECT_EQ(listed, expected);  // ascending, 1..N
  listed.clear();
  for (const EventRecord& e :
       Query([](ReadTx& tx) { return tx.events().List("1002", 0, {}, 1000); }))
    listed.push_back(e.sequence);
  expected.resize(kThreads / 2 * kEach);
  EXPECT_EQ(listed, expected);
}

}  // namespace
}  // namespace senderid::contract
