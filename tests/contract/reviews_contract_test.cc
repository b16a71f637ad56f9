// ReviewsRepository: approval, limitation and duplicate-unlock requests with their documents.

#include "tests/contract/contract_fixture.h"

namespace senderid::contract {
namespace {

class ReviewsContract : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    AddAccount("1001");
    AddAccount("1002");
  }

  // The ids `filter` lists, in order.
  std::vector<std::string> Ids(const ReviewFilter& filter) {
    std::vector<std::string> out;
    for (const ReviewRequest& r : Query([&](ReadTx& tx) { return tx.reviews().List(filter); }))
      out.push_back(r.request_id);
    return out;
  }
};
SID_CONTRACT_SUITE(ReviewsContract);

TEST_P(ReviewsContract, InsertedRequestsOfEveryKindReadBackFieldByField) {
  const ReviewRequest approval =
      MakeRequest("APD1", ReviewKind::kApproval, "1001", "SED1", kT0, {"DOC3", "DOC1", "DOC2"});
  ReviewRequest limitation =
      MakeRequest("LID1", ReviewKind::kLimitation, "1001", "", kT0 + 1, {"DOC4"});
  limitation.status = RequestStatus::kApproved;
  limitation.reason = "확인됨";
  limitation.decided_by = "admin@example.com";
  limitation.date_decided = kT0 + 100;
  limitation.date_updated = kT0 + 100;
  ReviewRequest unlock = MakeRequest("DUP1", ReviewKind::kDuplicate, "1002", "SED2", kT0 + 2);
  unlock.status = RequestStatus::kCancelled;
  for (const ReviewRequest& r : {approval, limitation, unlock}) AddRequest(r);
  EXPECT_EQ(Show(FindRequest("APD1")), Show(approval));
  EXPECT_EQ(Show(FindRequest("LID1")), Show(limitation));
  EXPECT_EQ(Show(FindRequest("DUP1")), Show(unlock));
  EXPECT_FALSE(FindRequest("APD2").has_value());
}

TEST_P(ReviewsContract, InsertingATakenIdIsAlreadyExists) {
  const ReviewRequest first = MakeRequest("APD1", ReviewKind::kApproval, "1001", "SED1");
  AddRequest(first);
  EXPECT_TRUE(IsError(store().Write([](WriteTx& tx) {
    return tx.reviews().Insert(MakeRequest("APD1", ReviewKind::kDuplicate, "1002", "SED2"));
  }),
                      ErrorCode::kAlreadyExists));
  EXPECT_EQ(Show(FindRequest("APD1")), Show(first));
}

TEST_P(ReviewsContract, ListIsOldestFirstThenByRequestIdWithEveryFilter) {
  ReviewRequest approved = MakeRequest("APD2", ReviewKind::kApproval, "1001", "SED1", kT0 + 10);
  approved.status = RequestStatus::kApproved;
  for (const ReviewRequest& r : {
           MakeRequest("DUP1", ReviewKind::kDuplicate, "1001", "SED1", kT0 + 20),
           approved,
           MakeRequest("APD1", ReviewKind::kApproval, "1001", "SED2", kT0 + 10),
           MakeRequest("LID1", ReviewKind::kLimitation, "1001", "", kT0 + 5),
           MakeRequest("APD3", ReviewKind::kApproval, "1002", "SED1", kT0),
       })
    AddRequest(r);

  using V = std::vector<std::string>;
  ReviewFilter f;
  EXPECT_EQ(Ids(f), (V{"APD3", "LID1", "APD1", "APD2", "DUP1"}));
  f.account_id = "1001";
  EXPECT_EQ(Ids(f), (V{"LID1", "APD1", "APD2", "DUP1"}));
  f.handle_key = "SED1";
  EXPECT_EQ(Ids(f), (V{"APD2", "DUP1"}));
  f.kind = ReviewKind::kApproval;
  EXPECT_EQ(Ids(f), V{"APD2"});
  f.status = RequestStatus::kPending;
  EXPECT_EQ(Ids(f), V{});

  f = ReviewFilter{};
  f.handle_key = "SED1";  // of any account
  EXPECT_EQ(Ids(f), (V{"APD3", "APD2", "DUP1"}));
  f = ReviewFilter{};
  f.status = RequestStatus::kPending;
  EXPECT_EQ(Ids(f), (V{"APD3", "LID1", "APD1", "DUP1"}));
  f.kind = ReviewKind::kLimitation;
  EXPECT_EQ(Ids(f), V{"LID1"});
  f = ReviewFilter{};
  f.account_id = "1003";
  EXPECT_EQ(Ids(f), V{});
}

TEST_P(ReviewsContract, UpdateStoresStatusReasonDecidedByDateDecidedAndDateUpdatedOnly) {
  const ReviewRequest original =
      MakeRequest("DUP1", ReviewKind::kDuplicate, "1001", "SED1", kT0, {"DOC1"});
  AddRequest(original);
  ReviewRequest changed =
      MakeRequest("DUP1", ReviewKind::kApproval, "1002", "SED9", kT0 + 50, {"DOC7"});
  changed.reason_for_requested = "changed";
  changed.contact_name = "changed";
  changed.limit_requested = 77;
  changed.status = RequestStatus::kRejected;
  changed.reason = "증빙 불충분";
  changed.decided_by = "operator";
  changed.date_decided = kT0 + 60;
  changed.date_updated = kT0 + 61;
  MustWrite([&](WriteTx& tx) { return tx.reviews().Update(changed); });

  ReviewRequest expected = original;
  expected.status = changed.status;
  expected.reason = changed.reason;
  expected.decided_by = changed.decided_by;
  expected.date_decided = changed.date_decided;
  expected.date_updated = changed.date_updated;
  EXPECT_EQ(Show(FindRequest("DUP1")), Show(expected));

  // Optional fields go back to unset.
  changed.reason.reset();
  changed.decided_by.reset();
  changed.date_decided.reset();
  MustWrite([&](WriteTx& tx) { return tx.reviews().Update(changed); });
  expected.reason.reset();
  expected.decided_by.reset();
  expected.date_decided.reset();
  EXPECT_EQ(Show(FindRequest("DUP1")), Show(expected));
}

TEST_P(ReviewsContract, ReleasedDocumentsStayListedOnTheRequest) {
  const ReviewRequest r =
      MakeRequest("APD1", ReviewKind::kApproval, "1001", "SED1", kT0, {"DOC2", "DOC1"});
  AddRequest(r);
  MustWrite([](WriteTx& tx) { return tx.reviews().ReleaseDocuments("APD1"); });
  EXPECT_EQ(Show(FindRequest("APD1")), Show(r));
  ReviewFilter f;
  EXPECT_EQ(Show(Query([&](ReadTx& tx) { return tx.reviews().List(f); })),
            Show(std::vector<ReviewRequest>{r}));
}

TEST_P(ReviewsContract, ListPagesFromAnInclusiveStartKeyWithALimit) {
  for (const ReviewRequest& r : {
           MakeRequest("APD3", ReviewKind::kApproval, "1001", "SED1", kT0 + 30),
           MakeRequest("APD1", ReviewKind::kApproval, "1001", "SED2", kT0 + 10),
           MakeRequest("LID1", ReviewKind::kLimitation, "1002", "", kT0 + 10),
           MakeRequest("DUP1", ReviewKind::kDuplicate, "1001", "SED3", kT0 + 20),
       })
    AddRequest(r);
  using V = std::vector<std::string>;
  ReviewFilter f;
  f.limit = 2;
  EXPECT_EQ(Ids(f), (V{"APD1", "LID1"}));
  f.start_key = "LID1";
  EXPECT_EQ(Ids(f), (V{"LID1", "DUP1"}));
  f.start_key = "DUP1";
  f.limit = 0;  // no limit
  EXPECT_EQ(Ids(f), (V{"DUP1", "APD3"}));
  f.account_id = "1001";
  f.start_key = "LID1";  // another account's request still places the start
  EXPECT_EQ(Ids(f), (V{"DUP1", "APD3"}));
  f.start_key = "APD9";
  EXPECT_EQ(Ids(f), V{});
}

TEST_P(ReviewsContract, SetClaimStoresTheClaimAndUpdateLeavesIt) {
  const ReviewRequest original = MakeRequest("APD1", ReviewKind::kApproval, "1001", "SED1");
  AddRequest(original);
  EXPECT_FALSE(FindRequest("APD1")->claimed_by.has_value());
  MustWrite([](WriteTx& tx) { return tx.reviews().SetClaim("APD1", "kim", kT0 + 900'000); });
  ReviewRequest expected = original;
  expected.claimed_by = "kim";
  expected.claimed_until = kT0 + 900'000;
  EXPECT_EQ(Show(FindRequest("APD1")), Show(expected));

  ReviewRequest decided = expected;
  decided.claimed_by = "someone else";
  decided.claimed_until = kT0;
  decided.status = RequestStatus::kApproved;
  decided.reason_code = "OTHER";
  decided.decided_by = "kim";
  decided.date_decided = kT0 + 5;
  MustWrite([&](WriteTx& tx) { return tx.reviews().Update(decided); });
  decided.claimed_by = "kim";
  decided.claimed_until = kT0 + 900'000;
  EXPECT_EQ(Show(FindRequest("APD1")), Show(decided));

  MustWrite([](WriteTx& tx) { return tx.reviews().SetClaim("APD1", "lee", kT0 + 1); });
  EXPECT_EQ(FindRequest("APD1")->claimed_by, "lee");
  EXPECT_EQ(FindRequest("APD1")->claimed_until, kT0 + 1);
  // Claiming an unknown request changes nothing and succeeds.
  MustWrite([](WriteTx& tx) { return tx.reviews().SetClaim("APD9", "lee", kT0); });
}

}  // namespace
}  // namespace senderid::contract

namespace senderid::contract {
namespace {

TEST_P(ReviewsContract, PendingByKindCountsEveryAccountsPendingRequestsWithTheOldest) {
  EXPECT_TRUE(Query([](ReadTx& tx) { return tx.reviews().PendingByKind(); }).empty());
  AddRequest(MakeRequest("APD1", ReviewKind::kApproval, "1001", "SED1", kT0 + 30));
  AddRequest(MakeRequest("APD2", ReviewKind::kApproval, "1002", "SED2", kT0 + 10));
  AddRequest(MakeRequest("DUP1", ReviewKind::kDuplicate, "1002", "SED3", kT0 + 20));
  ReviewRequest decided = MakeRequest("APD3", ReviewKind::kApproval, "1001", "SED4", kT0);
  decided.status = RequestStatus::kApproved;
  AddRequest(decided);
  ReviewRequest cancelled = MakeRequest("LID1", ReviewKind::kLimitation, "1001", "", kT0);
  cancelled.status = RequestStatus::kCancelled;
  AddRequest(cancelled);

  const std::vector<PendingReviews> pending =
      Query([](ReadTx& tx) { return tx.reviews().PendingByKind(); });
  ASSERT_EQ(pending.size(), 2u) << "limitation has none pending: left out";
  EXPECT_EQ(pending[0].kind, ReviewKind::kApproval);
  EXPECT_EQ(pending[0].count, 2);
  EXPECT_EQ(pending[0].oldest_created, kT0 + 10) << "the decided APD3 is older but not pending";
  EXPECT_EQ(pending[1].kind, ReviewKind::kDuplicate);
  EXPECT_EQ(pending[1].count, 1);
  EXPECT_EQ(pending[1].oldest_created, kT0 + 20);
}

}  // namespace
}  // namespace senderid::contract
