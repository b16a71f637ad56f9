// NumbersRepository: sender numbers with their logs, the review requests a complete entry
// carries, expiry queries and special-number overrides.

#include <algorithm>

#include "tests/contract/contract_fixture.h"

namespace senderid::contract {
namespace {

class NumbersContract : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    AddAccount("1001");
    AddAccount("1002");
  }

  std::optional<SenderId> Find(const std::string& account_id, const std::string& phone) {
    return Query([&](ReadTx& tx) { return tx.numbers().Find(account_id, phone); });
  }
  std::vector<SenderId> List(const std::string& account_id) {
    return Query([&](ReadTx& tx) { return tx.numbers().List(account_id); });
  }
  std::vector<std::string> HandleKeys(const std::vector<SenderId>& entries) {
    std::vector<std::string> out;
    for (const SenderId& e : entries) out.push_back(e.handle_key);
    return out;
  }
};
SID_CONTRACT_SUITE(NumbersContract);

TEST_P(NumbersContract, InsertedEntryReadsBackFieldByField) {
  SenderId verified = MakeEntry("SED1", "1001", "01011112222");
  verified.status = NumberStatus::kActive;
  verified.method = VerificationMethod::kArs;
  verified.duplicate_unlocked = true;
  verified.log.push_back({kT0 + 1, "인증 완료"});
  verified.date_updated = kT0 + 1;
  SenderId bare = MakeEntry("SED2", "1001", "01033334444");
  bare.method = VerificationMethod::kDocument;
  bare.expire_at.reset();
  bare.log.clear();
  AddEntry(verified);
  AddEntry(bare);
  EXPECT_EQ(Show(Find("1001", "01011112222")), Show(verified));
  EXPECT_EQ(Show(Find("1001", "01033334444")), Show(bare));
}

TEST_P(NumbersContract, InsertKeepsTheLogButNotApprovalsOrUnlock) {
  // Approvals and the unlock are review requests: their own repository stores them.
  SenderId entry = MakeEntry("SED1", "1001", "01011112222");
  const SenderId expected = entry;
  entry.approvals.push_back(MakeRequest("APD1", ReviewKind::kApproval, "1001", "SED1"));
  entry.unlock = MakeRequest("DUP1", ReviewKind::kDuplicate, "1001", "SED1");
  AddEntry(entry);
  EXPECT_EQ(Show(Find("1001", "01011112222")), Show(expected));
  EXPECT_FALSE(Query([](ReadTx& tx) { return tx.reviews().Find("APD1"); }).has_value());
}

TEST_P(NumbersContract, UnknownNumberAndOtherAccountsNumberAreNullopt) {
  AddEntry(MakeEntry("SED1", "1001", "01011112222"));
  EXPECT_FALSE(Find("1001", "01099999999").has_value());
  EXPECT_FALSE(Find("1002", "01011112222").has_value());
  EXPECT_TRUE(List("1002").empty());
}

TEST_P(NumbersContract, InsertingATakenHandleKeyOrNumberIsAlreadyExists) {
  AddEntry(MakeEntry("SED1", "1001", "01011112222"));
  EXPECT_TRUE(IsError(store().Write([](WriteTx& tx) {
    return tx.numbers().Insert(MakeEntry("SED1", "1002", "01033334444"));
  }),
                      ErrorCode::kAlreadyExists));
  EXPECT_TRUE(IsError(store().Write([](WriteTx& tx) {
    return tx.numbers().Insert(MakeEntry("SED2", "1001", "01011112222"));
  }),
                      ErrorCode::kAlreadyExists));
  // Another account may have the same number.
  AddEntry(MakeEntry("SED3", "1002", "01011112222"));
  EXPECT_EQ(HandleKeys(List("1001")), std::vector<std::string>{"SED1"});
  EXPECT_EQ(HandleKeys(List("1002")), std::vector<std::string>{"SED3"});
}

TEST_P(NumbersContract, UpdateStoresStatusMethodExpiryUnlockedAndDateUpdatedOnly) {
  const SenderId original = MakeEntry("SED1", "1001", "01011112222");
  AddEntry(original);
  SenderId changed = original;
  changed.status = NumberStatus::kInactive;
  changed.method = VerificationMethod::kDocument;
  changed.expire_at.reset();
  changed.duplicate_unlocked = true;
  changed.date_updated = kT0 + 99;
  // Not stored by Update:
  changed.log.push_back({kT0 + 99, "not through Update"});
  changed.date_created = kT0 + 50;
  MustWrite([&](WriteTx& tx) { return tx.numbers().Update(changed); });

  SenderId expected = changed;
  expected.log = original.log;
  expected.date_created = original.date_created;
  EXPECT_EQ(Show(Find("1001", "01011112222")), Show(expected));

  changed.expire_at = kT0 + 7;  // and back from unset
  MustWrite([&](WriteTx& tx) { return tx.numbers().Update(changed); });
  EXPECT_EQ(Find("1001", "01011112222").value_or(SenderId{}).expire_at,
            std::optional<TimeMs>(kT0 + 7));
}

TEST_P(NumbersContract, AppendLogAddsLinesAtTheEndInOrder) {
  AddEntry(MakeEntry("SED1", "1001", "01011112222"));
  // Lines are kept in the order appended, not by their time.
  MustWrite([](WriteTx& tx) -> Status {
    SID_TRY(tx.numbers().AppendLog("SED1", {kT0 + 30, "셋째"}));
    return tx.numbers().AppendLog("SED1", {kT0 + 10, "넷째"});
  });
  MustWrite([](WriteTx& tx) { return tx.numbers().AppendLog("SED1", {kT0 + 20, "다섯째"}); });
  std::vector<LogEntry> expected = MakeEntry("SED1", "1001", "01011112222").log;
  expected.push_back({kT0 + 30, "셋째"});
  expected.push_back({kT0 + 10, "넷째"});
  expected.push_back({kT0 + 20, "다섯째"});
  EXPECT_EQ(Show(Find("1001", "01011112222").value_or(SenderId{}).log), Show(expected));
}

TEST_P(NumbersContract, ListHasTheAccountsEntriesByDateCreatedThenHandleKey) {
  AddEntry(MakeEntry("SED5", "1001", "0105", kT0 + 10));
  AddEntry(MakeEntry("SED9", "1001", "0109", kT0));
  AddEntry(MakeEntry("SED3", "1001", "0103", kT0 + 10));
  AddEntry(MakeEntry("SED1", "1002", "0101", kT0));
  const std::vector<SenderId> entries = List("1001");
  EXPECT_EQ(HandleKeys(entries), (std::vector<std::string>{"SED9", "SED3", "SED5"}));
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(Show(entries[0]), Show(MakeEntry("SED9", "1001", "0109", kT0)));  // complete
  EXPECT_EQ(Query([](ReadTx& tx) { return tx.numbers().Count("1001"); }), 3);
  EXPECT_EQ(Query([](ReadTx& tx) { return tx.numbers().Count("1002"); }), 1);
  EXPECT_EQ(Query([](ReadTx& tx) { return tx.numbers().Count("1003"); }), 0);
}

TEST_P(NumbersContract, CompleteEntriesCarryApprovalsOldestFirstAndTheLatestUnlock) {
  AddEntry(MakeEntry("SED1", "1001", "01011112222"));
  AddEntry(MakeEntry("SED2", "1001", "01033334444"));
  ReviewRequest rejected =
      MakeRequest("APD9", ReviewKind::kApproval, "1001", "SED1", kT0 + 10, {"DOC1", "DOC3"});
  rejected.status = RequestStatus::kRejected;
  rejected.reason = "흐릿함";
  rejected.decided_by = "operator";
  rejected.date_decided = kT0 + 15;
  const ReviewRequest second = MakeRequest("APD2", ReviewKind::kApproval, "1001", "SED1", kT0 + 20);
  const ReviewRequest first_tie =
      MakeRequest("APD1", ReviewKind::kApproval, "1001", "SED1", kT0 + 20, {"DOC2"});
  const ReviewRequest old_unlock =
      MakeRequest("DUP1", ReviewKind::kDuplicate, "1001", "SED1", kT0 + 30);
  const ReviewRequest new_unlock =
      MakeRequest("DUP2", ReviewKind::kDuplicate, "1001", "SED1", kT0 + 40);
  // Inserted out of order; a limitation and another entry's approval are not SED1's.
  for (const ReviewRequest& r :
       {new_unlock, second, rejected, old_unlock, first_tie,
        MakeRequest("LID1", ReviewKind::kLimitation, "1001", "", kT0 + 5),
        MakeRequest("APD5", ReviewKind::kApproval, "1001", "SED2", kT0 + 5)})
    AddRequest(r);

  SenderId expected = MakeEntry("SED1", "1001", "01011112222");
  expected.approvals = {rejected, first_tie, second};
  expected.unlock = new_unlock;
  EXPECT_EQ(Show(Find("1001", "01011112222")), Show(expected));
  const std::vector<SenderId> listed = List("1001");
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(Show(listed[0]), Show(expected));
  EXPECT_EQ(Show(listed[1].approvals),
            Show(std::vector<ReviewRequest>{
                MakeRequest("APD5", ReviewKind::kApproval, "1001", "SED2", kT0 + 5)}));
  EXPECT_FALSE(listed[1].unlock.has_value());
}

TEST_P(NumbersContract, ListByNumberHasEveryAccountsEntryWithoutDetails) {
  AddEntry(MakeEntry("SED2", "1002", "01011112222", kT0 + 5));
  AddEntry(MakeEntry("SED1", "1001", "01011112222", kT0 + 9));
  AddEntry(MakeEntry("SED3", "1001", "01033334444", kT0));
  AddRequest(MakeRequest("APD1", ReviewKind::kApproval, "1001", "SED1"));
  AddRequest(MakeRequest("DUP1", ReviewKind::kDuplicate, "1002", "SED2"));
  const std::vector<SenderId> held =
      Query([](ReadTx& tx) { return tx.numbers().ListByNumber("01011112222"); });
  std::vector<SenderId> expected = {MakeEntry("SED2", "1002", "01011112222", kT0 + 5),
                                    MakeEntry("SED1", "1001", "01011112222", kT0 + 9)};
  for (SenderId& e : expected) e.log.clear();
  EXPECT_EQ(Show(held), Show(expected));
  EXPECT_TRUE(Query([](ReadTx& tx) { return tx.numbers().ListByNumber("01099999999"); }).empty());
}

TEST_P(NumbersContract, ListActiveHasActiveNumbersNotYetExpiredByDateCreated) {
  const TimeMs now = kT0 + kDay;
  auto add = [&](const std::string& key, const std::string& phone, NumberStatus status,
                 std::optional<TimeMs> expire_at, TimeMs created) {
    SenderId e = MakeEntry(key, "1001", phone, created);
    e.status = status;
    e.expire_at = expire_at;
    AddEntry(e);
  };
  add("SED1", "0101", NumberStatus::kActive, now + 1, kT0 + 3);
  add("SED2", "0102", NumberStatus::kActive, std::nullopt, kT0 + 1);
  add("SED3", "0103", NumberStatus::kActive, now, kT0 + 2);  // expires at now: not active
  add("SED4", "0104", NumberStatus::kInactive, now + 1, kT0);
  add("SED5", "0105", NumberStatus::kPending, now + 1, kT0);
  add("SED6", "0106", NumberStatus::kActive, now + kDay, kT0 + 2);
  SenderId other = MakeEntry("SED7", "1002", "0107");
  other.status = NumberStatus::kActive;
  AddEntry(other);
  EXPECT_EQ(Query([&](ReadTx& tx) { return tx.numbers().ListActive("1001", now); }),
            (std::vector<std::string>{"0102", "0106", "0101"}));
}

TEST_P(NumbersContract, DueExpiriesArePendingActiveOrInactiveEntriesExpiredByNow) {
  const TimeMs now = kT0 + kDay;
  auto add = [&](const std::string& account, const std::string& key, NumberStatus status,
                 std::optional<TimeMs> expire_at) {
    SenderId e = MakeEntry(key, account, "0100" + key.substr(3), kT0);
    e.status = status;
    e.expire_at = expire_at;
    AddEntry(e);
  };
  AddAccount("1003");
  AddAccount("1004");
  add("1001", "SED1", NumberStatus::kPending, now);  // due: at now
  add("1002", "SED2", NumberStatus::kActive, now - 1);
  add("1003", "SED3", NumberStatus::kInactive, now - kDay);
  // Never due: already closed, expiring later, or no expiry.
  add("1004", "SED4", NumberStatus::kDuplicated, now - 1);
  add("1004", "SED5", NumberStatus::kExpired, now - 1);
  add("1004", "SED6", NumberStatus::kActive, now + 1);
  add("1004", "SED7", NumberStatus::kActive, std::nullopt);

  for (const char* account : {"1001", "1002", "1003"})
    EXPECT_TRUE(Query([&](ReadTx& tx) { return tx.numbers().HasDueExpiries(account, now); }))
        << account;
  EXPECT_FALSE(Query([&](ReadTx& tx) { return tx.numbers().HasDueExpiries("1004", now); }));
  EXPECT_FALSE(Query([&](ReadTx& tx) { return tx.numbers().HasDueExpiries("1001", now - 1); }));

  std::vector<std::string> due =
      Query([&](ReadTx& tx) { return tx.numbers().AccountsWithDueExpiries(now, 10); });
  std::sort(due.begin(), due.end());  // the order is not part of the contract
  EXPECT_EQ(due, (std::vector<std::string>{"1001", "1002", "1003"}));
  const std::vector<std::string> two =
      Query([&](ReadTx& tx) { return tx.numbers().AccountsWithDueExpiries(now, 2); });
  EXPECT_EQ(two.size(), 2u);
  for (const std::string& account : two) EXPECT_NE(account, "1004");
  EXPECT_TRUE(Query([&](ReadTx& tx) {
                return tx.numbers().AccountsWithDueExpiries(now - kDay - 1, 10);
              }).empty());
}

TEST_P(NumbersContract, SpecialNumbersAreAllowedPerAccountAndTwiceIsNoError) {
  EXPECT_FALSE(Query([](ReadTx& tx) { return tx.numbers().IsSpecialAllowed("1001", "1588"); }));
  MustWrite([](WriteTx& tx) { return tx.numbers().AllowSpecial("1001", "1588", kT0); });
  MustWrite([](WriteTx& tx) { return tx.numbers().AllowSpecial("1001", "1588", kT0 + 1); });
  EXPECT_TRUE(Query([](ReadTx& tx) { return tx.numbers().IsSpecialAllowed("1001", "1588"); }));
  EXPECT_FALSE(Query([](ReadTx& tx) { return tx.numbers().IsSpecialAllowed("1002", "1588"); }));
  EXPECT_FALSE(Query([](ReadTx& tx) { return tx.numbers().IsSpecialAllowed("1001", "1577"); }));
}

TEST_P(NumbersContract, DeleteRemovesTheEntryAndItsLogButKeepsItsReviewRequests) {
  AddEntry(MakeEntry("SED1", "1001", "01011112222"));
  MustWrite([](WriteTx& tx) { return tx.numbers().AppendLog("SED1", {kT0 + 1, "둘째"}); });
  const ReviewRequest approval = MakeRequest("APD1", ReviewKind::kApproval, "1001", "SED1");
  AddRequest(approval);
  MustWrite([](WriteTx& tx) { return tx.numbers().Delete("SED1"); });

  EXPECT_FALSE(Find("1001", "01011112222").has_value());
  EXPECT_TRUE(List("1001").empty());
  EXPECT_EQ(Query([](ReadTx& tx) { return tx.numbers().Count("1001"); }), 0);
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.reviews().Find("APD1"); })), Show(approval));
  ReviewFilter by_entry;
  by_entry.handle_key = "SED1";
  EXPECT_EQ(Show(Query([&](ReadTx& tx) { return tx.reviews().List(by_entry); })),
            Show(std::vector<ReviewRequest>{approval}));

  // The same key again starts with a fresh log.
  SenderId again = MakeEntry("SED1", "1001", "01011112222", kT0 + 5);
  AddEntry(again);
  again.approvals = {approval};  // the kept request is the entry's again
  EXPECT_EQ(Show(Find("1001", "01011112222")), Show(again));
}

}  // namespace
}  // namespace senderid::contract
