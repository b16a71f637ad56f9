// Tests for ReviewsService: the operator's decisions on evidence, limit raises and duplicate
// unlocks (SPEC §10, the decision log lines of §3.2, the event order of §12 "Details"), on the
// in-memory store with a FakeClock, plain and force-retry.

#include "core/services/reviews_service.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "core/events.h"
#include "core/time.h"
#include "tests/unit/core_testing.h"

namespace senderid {
namespace {

using test::CodeOf;

const std::string kNumber = "01012345678";
constexpr std::string_view kEvidenceApprovedLine = "관리자가 증빙자료 요청을 승인하였습니다.";
constexpr std::string_view kDocumentVerifiedLine =
    "인증수단 'DOCUMENT'로 발신번호 인증이 완료되었습니다.";
constexpr std::string_view kUnlockApprovedLine = "관리자가 중복해제 요청을 승인하였습니다.";

const Decision kApprove{"kim.operator", std::nullopt};
const Decision kReject{"kim.operator", "서류가 흐립니다"};

class ReviewsTest : public test::MemoryRegistryTest {
 protected:
  void SetUp() override {
    account_ = NewAccount(10, "테스트 상사").account_id;
    MustCreate(account_, kNumber);
  }

  // Opens an evidence request with one fresh document; its id.
  std::string OpenEvidence(const std::string& account, const std::string& number) {
    const std::string doc = MustUpload(account);
    Result<AccountDoc> r = Papers().SubmitEvidence(account, number, {doc});
    if (!r.ok()) {
      ADD_FAILURE() << "SubmitEvidence: " << r.error().message;
      return std::string();
    }
    return MustEntry(account, number).approvals.back().request_id;
  }
  // Makes `number` of `account` DUPLICATED (a new holder verifies it) and asks for its unlock;
  // the request id. The holder's account id lands in holder_.
  std::string OpenUnlock(const std::string& account, const std::string& number) {
    holder_ = NewAccount().account_id;
    MustCreate(holder_, number);
    MustVerifyByArs(holder_, number);
    if (std::optional<SenderId> e = EntryOf(account, number)) {
      EXPECT_EQ(e->status, NumberStatus::kDuplicated);
    } else {
      EXPECT_EQ(MustCreate(account, number).status, NumberStatus::kDuplicated);
    }
    Result<AccountDoc> r =
        Papers().RequestUnlock(AccountOf(account), number, "번호를 양도받았습니다", "홍길동");
    if (!r.ok()) {
      ADD_FAILURE() << "RequestUnlock: " << r.error().message;
      return std::string();
    }
    return MustEntry(account, number).unlock->request_id;
  }
  std::string OpenLimit(const std::string& account, int limit) {
    const std::string doc = MustUpload(account, "SENDERID_LIMITATION");
    Result<AccountDoc> r = Papers().RequestLimit(account, {doc}, limit);
    if (!r.ok()) {
      ADD_FAILURE() << "RequestLimit: " << r.error().message;
      return std::string();
    }
    return r->limitations.back().request_id;
  }

  ReviewRequest MustRequest(const std::string& id) {
    std::optional<ReviewRequest> r = RequestOf(id);
    if (!r) {
      ADD_FAILURE() << "no request " << id;
      return ReviewRequest{};
    }
    return *r;
  }

  // The account's event types committed after the first `from`.
  std::vector<EventType> TypesSince(const std::string& account, size_t from) {
    std::vector<EventType> all = EventTypes(account);
    if (from > all.size()) return {};
    return std::vector<EventType>(all.begin() + static_cast<std::ptrdiff_t>(from), all.end());
  }

  // A refused decision changed nothing: the request, the entry's log and status, the events.
  struct Snapshot {
    ReviewRequest request;
    std::optional<SenderId> entry;
    size_t events = 0;
    int limit = 0;
  };
  Snapshot Take(const std::string& request_id) {
    Snapshot s;
    s.request = MustRequest(request_id);
    if (!s.request.phone_number.empty())
      s.entry = EntryOf(s.request.account_id, s.request.phone_number);
    s.events = Events(s.request.account_id).size();
    s.limit = AccountOf(s.request.account_id).limit;
    return s;
  }
  void ExpectUnchanged(const Snapshot& before) {
    const Snapshot now = Take(before.request.request_id);
    EXPECT_EQ(now.request.status, before.request.status);
    EXPECT_EQ(now.request.reason, before.request.reason);
    EXPECT_EQ(now.request.decided_by, before.request.decided_by);
    EXPECT_EQ(now.request.date_decided, before.request.date_decided);
    EXPECT_EQ(now.request.date_updated, before.request.date_updated);
    EXPECT_EQ(now.entry.has_value(), before.entry.has_value());
    if (now.entry && before.entry) {
      EXPECT_EQ(now.entry->status, before.entry->status);
      EXPECT_EQ(now.entry->log.size(), before.entry->log.size());
      EXPECT_EQ(now.entry->expire_at, before.entry->expire_at);
    }
    EXPECT_EQ(now.events, before.events) << "no event";
    EXPECT_EQ(now.limit, before.limit);
  }

  std::string account_;
  std::string holder_;
};

SID_ON_EVERY_MEMORY_STORE(ReviewsTest);

// ---------------------------------------------------------------------------------------------
// Evidence

TEST_P(ReviewsTest, ApprovingEvidenceVerifiesByDocumentForSixMonths) {
  clock_.Set(test::Utc(2026, 8, 31, 9, 0, 0));
  const std::string number = "01033334444";
  MustCreate(account_, number);
  const std::string id = OpenEvidence(account_, number);
  clock_.Set(test::Utc(2026, 8, 31, 9, 15, 0, 5));
  const TimeMs now = clock_.Now();
  const size_t events_before = Events(account_).size();
  Result<ReviewItem> r = Reviews().Approve(id, kApprove);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->request.request_id, id);
  EXPECT_EQ(r->request.status, RequestStatus::kApproved);
  EXPECT_EQ(r->request.decided_by, "kim.operator");
  EXPECT_EQ(r->request.date_decided, now);
  EXPECT_EQ(r->request.date_updated, now);
  EXPECT_FALSE(r->request.reason.has_value());
  EXPECT_EQ(r->account.account_id, account_);
  ASSERT_EQ(r->documents.size(), 1u);
  EXPECT_EQ(r->documents[0].document_id, r->request.documents[0]);

  const SenderId e = MustEntry(account_, number);
  EXPECT_EQ(e.status, NumberStatus::kActive);
  EXPECT_EQ(e.method, VerificationMethod::kDocument);
  EXPECT_EQ(e.expire_at, test::Utc(2027, 2, 28, 9, 15, 0, 5));
  ASSERT_EQ(e.log.size(), 4u);
  EXPECT_EQ(e.log[2].message, kEvidenceApprovedLine);
  EXPECT_EQ(e.log[2].create_at, now);
  EXPECT_EQ(e.log[3].message, kDocumentVerifiedLine);
  EXPECT_EQ(e.log[3].create_at, now);
  ASSERT_EQ(e.approvals.size(), 1u);
  EXPECT_EQ(e.approvals[0].status, RequestStatus::kApproved);
  EXPECT_EQ(AccountOf(account_).date_updated, now);

  // approval.approved, then senderid.verified — nothing else.
  const std::vector<EventRecord> events = Events(account_);
  ASSERT_EQ(events.size(), events_before + 2);
  EXPECT_EQ(events[events_before].type, EventType::kApprovalApproved);
  EXPECT_EQ(events[events_before + 1].type, EventType::kSenderIdVerified);
  const ReviewChange approved = std::get<ReviewChange>(Captured(events[events_before]).data);
  EXPECT_EQ(approved.request.status, RequestStatus::kApproved);
  EXPECT_EQ(approved.request.phone_number, number);
  EXPECT_EQ(approved.request.decided_by, "kim.operator");
  const SenderId verified = std::get<SenderId>(Captured(events[events_before + 1]).data);
  EXPECT_EQ(verified.status, NumberStatus::kActive);
  EXPECT_EQ(verified.method, VerificationMethod::kDocument);
  ASSERT_EQ(verified.log.size(), 2u) << "only the lines of this decision";
  EXPECT_EQ(verified.log[0].message, kEvidenceApprovedLine);
  EXPECT_EQ(verified.log[1].message, kDocumentVerifiedLine);
}

TEST_P(ReviewsTest, ApprovalKeepsTheOperatorsReason) {
  const std::string id = OpenEvidence(account_, kNumber);
  Result<ReviewItem> r = Reviews().Approve(id, Decision{"lee", "통신사 가입증명원 확인"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(MustRequest(id).reason, "통신사 가입증명원 확인");
  EXPECT_EQ(MustRequest(id).decided_by, "lee");
}

TEST_P(ReviewsTest, ApprovedEvidenceTurnsOtherAccountsPendingEntriesDuplicated) {
  const Credentials b = NewAccount();
  MustCreate(b.account_id, kNumber);
  const std::string b_evidence = OpenEvidence(b.account_id, kNumber);
  const std::string id = OpenEvidence(account_, kNumber);
  ASSERT_TRUE(Reviews().Approve(id, kApprove).ok());
  EXPECT_EQ(MustEntry(b.account_id, kNumber).status, NumberStatus::kDuplicated);
  EXPECT_EQ(EventTypes(b.account_id).back(), EventType::kSenderIdDuplicated);
  // B's evidence can no longer be approved: A holds the number now.
  const Snapshot before = Take(b_evidence);
  Result<ReviewItem> r = Reviews().Approve(b_evidence, kApprove);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kDuplicatedSenderId);
  ExpectUnchanged(before);
}

TEST_P(ReviewsTest, EvidenceForANumberHeldElsewhereIsRefusedAndTheRequestStaysPending) {
  const std::string id = OpenEvidence(account_, kNumber);
  // Another account's entry is verified, the way no service would leave it next to a PENDING one
  // (a verification turns the others DUPLICATED): the held-elsewhere check itself must refuse.
  const Credentials b = NewAccount();
  MustCreate(b.account_id, kNumber);
  ForceStatus(b.account_id, kNumber, NumberStatus::kInactive, clock_.Now() + 100 * kDay);
  const Snapshot before = Take(id);
  Result<ReviewItem> r = Reviews().Approve(id, kApprove);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kDuplicatedSenderId);
  ExpectUnchanged(before);
  EXPECT_EQ(MustRequest(id).status, RequestStatus::kPending);
  // Once the holder's verification has lapsed it holds nothing: the approval goes through.
  clock_.Advance(100 * kDay);
  Result<ReviewItem> later = Reviews().Approve(id, kApprove);
  ASSERT_TRUE(later.ok()) << later.error().message;
  EXPECT_EQ(MustEntry(account_, kNumber).status, NumberStatus::kActive);
}

TEST_P(ReviewsTest, EvidenceForANumberTurnedDuplicatedIsRefused) {
  const std::string id = OpenEvidence(account_, kNumber);
  const Credentials b = NewAccount();
  MustCreate(b.account_id, kNumber);
  MustVerifyByArs(b.account_id, kNumber);
  ASSERT_EQ(MustEntry(account_, kNumber).status, NumberStatus::kDuplicated);
  const Snapshot before = Take(id);
  Result<ReviewItem> r = Reviews().Approve(id, kApprove);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kDuplicatedSenderId);
  ExpectUnchanged(before);
}

TEST_P(ReviewsTest, EvidenceForANumberVerifiedMeanwhileIsRefusedButMayBeRejected) {
  const std::string id = OpenEvidence(account_, kNumber);
  MustVerifyByArs(account_, kNumber);
  const Snapshot before = Take(id);
  Result<ReviewItem> r = Reviews().Approve(id, kApprove);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kAlreadyApproved);
  ExpectUnchanged(before);
  EXPECT_EQ(MustEntry(account_, kNumber).method, VerificationMethod::kArs);
  Result<ReviewItem> rejected = Reviews().Reject(id, kReject);
  ASSERT_TRUE(rejected.ok()) << rejected.error().message;
  EXPECT_EQ(rejected->request.status, RequestStatus::kRejected);
  EXPECT_EQ(MustEntry(account_, kNumber).status, NumberStatus::kActive) << "still verified";
}

TEST_P(ReviewsTest, EvidenceOfADeletedNumber) {
  // Deleted through the service: its pending request was cancelled with it.
  const std::string cancelled = OpenEvidence(account_, kNumber);
  ASSERT_TRUE(Numbers().Delete(account_, kNumber).ok());
  EXPECT_EQ(MustRequest(cancelled).status, RequestStatus::kCancelled);
  EXPECT_EQ(CodeOf(Reviews().Approve(cancelled, kApprove)), ErrorCode::kAlreadyDecided);

  // A request still PENDING whose entry is gone (removed behind the lifecycle's back), or whose
  // number was registered again as a new entry: its number is no longer registered.
  MustCreate(account_, kNumber);
  const std::string orphan = OpenEvidence(account_, kNumber);
  const std::string handle_key = MustEntry(account_, kNumber).handle_key;
  ASSERT_TRUE(store().Write([&](WriteTx& tx) { return tx.numbers().Delete(handle_key); }).ok());
  Snapshot before = Take(orphan);
  Result<ReviewItem> r = Reviews().Approve(orphan, kApprove);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidSenderId);
  ExpectUnchanged(before);
  MustCreate(account_, kNumber);
  before = Take(orphan);
  EXPECT_EQ(CodeOf(Reviews().Approve(orphan, kApprove)), ErrorCode::kInvalidSenderId)
      << "the new entry is not the one the evidence was for";
  EXPECT_EQ(CodeOf(Reviews().Reject(orphan, kReject)), ErrorCode::kInvalidSenderId);
  ExpectUnchanged(before);
  EXPECT_EQ(MustEntry(account_, kNumber).status, NumberStatus::kPending);
}

TEST_P(ReviewsTest, RejectingEvidenceLogsTheReasonAndLeavesTheNumber) {
  const std::string id = OpenEvidence(account_, kNumber);
  clock_.Advance(kHour);
  const TimeMs now = clock_.Now();
  const size_t events_before = Events(account_).size();
  Result<ReviewItem> r = Reviews().Reject(id, kReject);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->request.status, RequestStatus::kRejected);
  EXPECT_EQ(r->request.reason, "서류가 흐립니다");
  EXPECT_EQ(r->request.decided_by, "kim.operator");
  EXPECT_EQ(r->request.date_decided, now);
  const SenderId e = MustEntry(account_, kNumber);
  EXPECT_EQ(e.status, NumberStatus::kPending);
  EXPECT_EQ(e.method, VerificationMethod::kNone);
  EXPECT_EQ(e.log.back().message, "관리자가 증빙자료 요청을 반려하였습니다. 사유: 서류가 흐립니다");
  EXPECT_EQ(e.log.back().create_at, now);
  EXPECT_EQ(e.approvals[0].status, RequestStatus::kRejected);
  EXPECT_EQ(e.approvals[0].reason, "서류가 흐립니다");
  EXPECT_EQ(TypesSince(account_, events_before),
            std::vector<EventType>{EventType::kApprovalRejected});
  const ReviewChange data = std::get<ReviewChange>(Captured(Events(account_).back()).data);
  EXPECT_EQ(data.request.reason, "서류가 흐립니다");
}

// ---------------------------------------------------------------------------------------------
// Duplicate unlocks

TEST_P(ReviewsTest, ApprovingAnUnlockMakesTheEntryPendingAndVerifiableAlthoughHeld) {
  const std::string id = OpenUnlock(account_, "01099990000");
  clock_.Advance(kHour);
  const TimeMs now = clock_.Now();
  const size_t events_before = Events(account_).size();
  Result<ReviewItem> r = Reviews().Approve(id, kApprove);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->request.status, RequestStatus::kApproved);
  EXPECT_EQ(r->request.decided_by, "kim.operator");
  EXPECT_EQ(r->request.date_decided, now);
  const SenderId e = MustEntry(account_, "01099990000");
  EXPECT_EQ(e.status, NumberStatus::kPending) << "ownership is still to be proven";
  EXPECT_TRUE(e.duplicate_unlocked);
  EXPECT_EQ(e.method, VerificationMethod::kNone);
  EXPECT_EQ(e.expire_at, now + 12 * kDay) << "entering PENDING starts its period";
  EXPECT_EQ(e.log.back().message, kUnlockApprovedLine);
  EXPECT_EQ(e.log.back().create_at, now);
  ASSERT_TRUE(e.unlock.has_value());
  EXPECT_EQ(e.unlock->status, RequestStatus::kApproved);
  EXPECT_EQ(TypesSince(account_, events_before),
            std::vector<EventType>{EventType::kDuplicateApproved})
      << "duplicate.approved only";

  // The holder still holds it, yet this entry may be verified by ARS, and both are ACTIVE then.
  ASSERT_EQ(MustEntry(holder_, "01099990000").status, NumberStatus::kActive);
  MustVerifyByArs(account_, "01099990000");
  EXPECT_EQ(MustEntry(account_, "01099990000").status, NumberStatus::kActive);
  EXPECT_EQ(MustEntry(holder_, "01099990000").status, NumberStatus::kActive);
}

TEST_P(ReviewsTest, AnUnlockedEntryMayBeVerifiedByEvidenceAlthoughHeld) {
  const std::string unlock = OpenUnlock(account_, "01099990000");
  ASSERT_TRUE(Reviews().Approve(unlock, kApprove).ok());
  const std::string evidence = OpenEvidence(account_, "01099990000");
  Result<ReviewItem> r = Reviews().Approve(evidence, kApprove);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(MustEntry(account_, "01099990000").status, NumberStatus::kActive);
  EXPECT_EQ(MustEntry(account_, "01099990000").method, VerificationMethod::kDocument);
  EXPECT_EQ(MustEntry(holder_, "01099990000").status, NumberStatus::kActive);
}

TEST_P(ReviewsTest, ApprovingAnUnlockOfANumberNoLongerDuplicatedIsRefused) {
  const std::string id = OpenUnlock(account_, "01099990000");
  ForceStatus(account_, "01099990000", NumberStatus::kPending, clock_.Now() + kDay,
              VerificationMethod::kNone);
  const Snapshot before = Take(id);
  Result<ReviewItem> r = Reviews().Approve(id, kApprove);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kAlreadyApproved);
  ExpectUnchanged(before);
}

TEST_P(ReviewsTest, RejectingAnUnlockLogsTheReasonAndLeavesTheEntryDuplicated) {
  const std::string id = OpenUnlock(account_, "01099990000");
  const size_t events_before = Events(account_).size();
  const TimeMs now = clock_.Now();
  Result<ReviewItem> r = Reviews().Reject(id, Decision{"park", "사유가 부족합니다"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->request.status, RequestStatus::kRejected);
  EXPECT_EQ(r->request.reason, "사유가 부족합니다");
  EXPECT_EQ(r->request.decided_by, "park");
  const SenderId e = MustEntry(account_, "01099990000");
  EXPECT_EQ(e.status, NumberStatus::kDuplicated);
  EXPECT_FALSE(e.duplicate_unlocked);
  EXPECT_EQ(e.log.back().message, "관리자가 중복해제 요청을 반려하였습니다. 사유: 사유가 부족합니다");
  EXPECT_EQ(e.log.back().create_at, now);
  EXPECT_EQ(e.unlock->status, RequestStatus::kRejected);
  EXPECT_EQ(TypesSince(account_, events_before),
            std::vector<EventType>{EventType::kDuplicateRejected});
}

// ---------------------------------------------------------------------------------------------
// Limitations

TEST_P(ReviewsTest, ApprovingALimitationSetsTheRequestedLimit) {
  const std::string id = OpenLimit(account_, 25);
  const size_t events_before = Events(account_).size();
  const size_t log_before = MustEntry(account_, kNumber).log.size();
  clock_.Advance(kMinute);
  Result<ReviewItem> r = Reviews().Approve(id, kApprove);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->request.status, RequestStatus::kApproved);
  EXPECT_EQ(r->request.date_decided, clock_.Now());
  EXPECT_EQ(AccountOf(account_).limit, 25);
  EXPECT_EQ(AccountOf(account_).date_updated, clock_.Now());
  EXPECT_EQ(MustEntry(account_, kNumber).log.size(), log_before) << "no number's log";
  ASSERT_EQ(TypesSince(account_, events_before),
            std::vector<EventType>{EventType::kLimitationApproved});
  const ReviewChange data = std::get<ReviewChange>(Captured(Events(account_).back()).data);
  EXPECT_EQ(data.limit, 25) << "limitation.approved carries the new limit";
  EXPECT_EQ(data.request.limit_requested, 25);
  EXPECT_EQ(data.request.limit_before_request, 10);
  // The account may now hold 25 numbers.
  for (int i = 1; i < 25; ++i) MustCreate(account_, "0105555" + std::to_string(1000 + i));
  EXPECT_EQ(CodeOf(Numbers().Create(account_, "01066660000", {})), ErrorCode::kLimitExceeded);
}

TEST_P(ReviewsTest, ApprovingALimitationNeverLowersTheLimit) {
  const std::string id = OpenLimit(account_, 25);
  // An operator raised it meanwhile.
  ASSERT_TRUE(store()
                  .Write([&](WriteTx& tx) -> Status {
                    SID_ASSIGN_OR_RETURN(std::optional<Account> a, tx.accounts().Find(account_));
                    if (!a) return Error(ErrorCode::kNotFound, "no account");
                    a->limit = 40;
                    return tx.accounts().Update(*a);
                  })
                  .ok());
  Result<ReviewItem> r = Reviews().Approve(id, kApprove);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(AccountOf(account_).limit, 40) << "max(current, requested)";
  EXPECT_EQ(MustRequest(id).status, RequestStatus::kApproved);
  const ReviewChange data = std::get<ReviewChange>(Captured(Events(account_).back()).data);
  EXPECT_EQ(data.limit, 40) << "the account's new (kept) limit";
}

TEST_P(ReviewsTest, RejectingALimitationKeepsTheLimit) {
  const std::string id = OpenLimit(account_, 25);
  const size_t events_before = Events(account_).size();
  Result<ReviewItem> r = Reviews().Reject(id, Decision{"choi", "증빙 부족"});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->request.status, RequestStatus::kRejected);
  EXPECT_EQ(r->request.reason, "증빙 부족");
  EXPECT_EQ(AccountOf(account_).limit, 10);
  EXPECT_EQ(TypesSince(account_, events_before),
            std::vector<EventType>{EventType::kLimitationRejected});
  EXPECT_FALSE(std::get<ReviewChange>(Captured(Events(account_).back()).data).limit.has_value());
}

// ---------------------------------------------------------------------------------------------
// Refusals common to every kind

TEST_P(ReviewsTest, RejectingNeedsAReason) {
  const std::vector<std::string> ids = {OpenEvidence(account_, kNumber), OpenLimit(account_, 20),
                                        OpenUnlock(account_, "01099990000")};
  for (const std::string& id : ids) {
    for (const std::optional<std::string>& reason :
         {std::optional<std::string>(), std::optional<std::string>("")}) {
      const Snapshot before = Take(id);
      Result<ReviewItem> r = Reviews().Reject(id, Decision{"kim", reason});
      ASSERT_FALSE(r.ok()) << id;
      EXPECT_EQ(r.error().code, ErrorCode::kValidationError) << id;
      ExpectUnchanged(before);
    }
  }
  // Even for an unknown request the reason is checked first.
  EXPECT_EQ(CodeOf(Reviews().Reject("APD20260203153045AAAAAAAAAAAAAAA", Decision{"kim", ""})),
            ErrorCode::kValidationError);
}

TEST_P(ReviewsTest, ADecidedRequestCannotBeDecidedAgain) {
  struct Case {
    std::string_view kind;
    bool first_approve;
    bool second_approve;
  };
  const std::vector<Case> cases = {
      {"approval", true, true},    {"approval", true, false},    {"approval", false, true},
      {"approval", false, false},  {"limitation", true, true},   {"limitation", true, false},
      {"limitation", false, true}, {"duplicate", true, true},    {"duplicate", true, false},
      {"duplicate", false, true},  {"duplicate", false, false},
  };
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.kind) + (c.first_approve ? " approved, then " : " rejected, then ") +
                 (c.second_approve ? "approve" : "reject"));
    const std::string account = NewAccount(10).account_id;
    const std::string number = "0107777" + std::to_string(1000 + n++);
    std::string id;
    if (c.kind == "approval") {
      MustCreate(account, number);
      id = OpenEvidence(account, number);
    } else if (c.kind == "limitation") {
      id = OpenLimit(account, 20);
    } else {
      id = OpenUnlock(account, number);
    }
    ASSERT_TRUE((c.first_approve ? Reviews().Approve(id, kApprove) : Reviews().Reject(id, kReject))
                    .ok());
    clock_.Advance(kMinute);
    const Snapshot before = Take(id);
    Result<ReviewItem> r =
        c.second_approve ? Reviews().Approve(id, kApprove) : Reviews().Reject(id, kReject);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kAlreadyDecided);
    ExpectUnchanged(before);
  }
}

TEST_P(ReviewsTest, UnknownRequestIsNotFound) {
  for (const std::string& id : {std::string("APD20260203153045AAAAAAAAAAAAAAA"),
                                std::string("LID20260203153045AAAAAAAAAAAAAAA"),
                                std::string("DUP20260203153045AAAAAAAAAAAAAAA"), std::string("")}) {
    EXPECT_EQ(CodeOf(Reviews().Approve(id, kApprove)), ErrorCode::kNotFound) << "'" << id << "'";
    EXPECT_EQ(CodeOf(Reviews().Reject(id, kReject)), ErrorCode::kNotFound) << "'" << id << "'";
  }
}

TEST_P(ReviewsTest, ConcurrentDecisionsOnOneRequestDecideItOnce) {
  const std::string id = OpenEvidence(account_, kNumber);
  ReviewsService reviews = Reviews();
  constexpr int kThreads = 8;
  std::vector<std::optional<ErrorCode>> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      const auto k = static_cast<size_t>(i);
      results[k] = CodeOf(i % 2 == 0 ? reviews.Approve(id, kApprove) : reviews.Reject(id, kReject));
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(std::count(results.begin(), results.end(), std::nullopt), 1);
  EXPECT_EQ(std::count(results.begin(), results.end(), ErrorCode::kAlreadyDecided), kThreads - 1);
  const size_t decisions = EventsOf(account_, EventType::kApprovalApproved).size() +
                           EventsOf(account_, EventType::kApprovalRejected).size();
  EXPECT_EQ(decisions, 1u);
}

TEST_P(ReviewsTest, ConcurrentEvidenceApprovalsInTwoAccountsVerifyOne) {
  const Credentials b = NewAccount();
  MustCreate(b.account_id, kNumber);
  const std::string mine = OpenEvidence(account_, kNumber);
  const std::string theirs = OpenEvidence(b.account_id, kNumber);
  ReviewsService reviews = Reviews();
  std::optional<ErrorCode> r1, r2;
  std::thread t1([&] { r1 = CodeOf(reviews.Approve(mine, kApprove)); });
  std::thread t2([&] { r2 = CodeOf(reviews.Approve(theirs, kApprove)); });
  t1.join();
  t2.join();
  EXPECT_NE(r1.has_value(), r2.has_value()) << "exactly one succeeds";
  EXPECT_EQ(r1.value_or(ErrorCode::kDuplicatedSenderId), ErrorCode::kDuplicatedSenderId);
  EXPECT_EQ(r2.value_or(ErrorCode::kDuplicatedSenderId), ErrorCode::kDuplicatedSenderId);
  const std::vector<NumberStatus> statuses = {MustEntry(account_, kNumber).status,
                                              MustEntry(b.account_id, kNumber).status};
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), NumberStatus::kActive), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), NumberStatus::kDuplicated), 1);
}

// ---------------------------------------------------------------------------------------------
// The review queue

TEST_P(ReviewsTest, ListShowsWhatWaitsOldestFirstWithItsAccountAndDocuments) {
  const Credentials b = NewAccount(5, "다른 회사");
  const std::string evidence = OpenEvidence(account_, kNumber);
  clock_.Advance(kSecond);
  const std::string limit = OpenLimit(b.account_id, 9);
  clock_.Advance(kSecond);
  const std::string unlock = OpenUnlock(account_, "01099990000");
  clock_.Advance(kSecond);
  const std::string decided = OpenLimit(account_, 30);
  ASSERT_TRUE(Reviews().Reject(decided, kReject).ok());

  auto ids = [](const std::vector<ReviewItem>& items) {
    std::vector<std::string> out;
    for (const ReviewItem& i : items) out.push_back(i.request.request_id);
    return out;
  };
  ReviewFilter pending;
  pending.status = RequestStatus::kPending;
  Result<std::vector<ReviewItem>> r = Reviews().List(pending);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(ids(*r), (std::vector<std::string>{evidence, limit, unlock}));
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].account.account_id, account_);
  EXPECT_EQ((*r)[0].account.name, "테스트 상사");
  EXPECT_EQ((*r)[1].account.name, "다른 회사");
  ASSERT_EQ((*r)[0].documents.size(), 1u);
  EXPECT_EQ((*r)[0].documents[0].document_id, (*r)[0].request.documents[0]);
  EXPECT_TRUE((*r)[2].documents.empty()) << "an unlock has none";

  ReviewFilter all;
  r = Reviews().List(all);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ids(*r), (std::vector<std::string>{evidence, limit, unlock, decided}));

  ReviewFilter kind;
  kind.kind = ReviewKind::kLimitation;
  r = Reviews().List(kind);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ids(*r), (std::vector<std::string>{limit, decided}));

  ReviewFilter rejected;
  rejected.status = RequestStatus::kRejected;
  rejected.account_id = account_;
  r = Reviews().List(rejected);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ids(*r), std::vector<std::string>{decided});

  ReviewFilter theirs;
  theirs.account_id = b.account_id;
  r = Reviews().List(theirs);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ids(*r), std::vector<std::string>{limit});
}

TEST_P(ReviewsTest, ListShowsOnlyTheDocumentsStillStored) {
  const std::string id = OpenEvidence(account_, kNumber);
  const std::string doc = MustRequest(id).documents[0];
  ASSERT_TRUE(Numbers().Delete(account_, kNumber).ok());  // cancels the request, releases doc
  EXPECT_FALSE(MustDocument(account_, doc).use);
  ASSERT_TRUE(Documents().Delete(account_, {doc}).ok());
  ReviewFilter all;
  Result<std::vector<ReviewItem>> r = Reviews().List(all);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].request.status, RequestStatus::kCancelled);
  EXPECT_EQ((*r)[0].request.documents, std::vector<std::string>{doc})
      << "the request keeps its ids";
  EXPECT_TRUE((*r)[0].documents.empty());
}

}  // namespace
}  // namespace senderid

namespace senderid {
namespace {

// SPEC §13 reason codes: a rejection stores one (OTHER by default), an approval none; unknown codes
// and reasons over 500 characters are refused before anything changes.
TEST_P(ReviewsTest, RejectionsCarryAReasonCode) {
  const std::string first = OpenEvidence(account_, kNumber);
  Result<ReviewItem> r = Reviews().Reject(first, kReject);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->request.reason_code, "OTHER");
  EXPECT_EQ(MustRequest(first).reason_code, "OTHER");

  clock_.Advance(kSecond);  // requests are listed by creation time
  const std::string second = OpenEvidence(account_, kNumber);
  Decision unreadable = kReject;
  unreadable.reason_code = "DOCUMENT_UNREADABLE";
  Result<ReviewItem> second_rejected = Reviews().Reject(second, unreadable);
  ASSERT_TRUE(second_rejected.ok()) << second_rejected.error().message;
  EXPECT_EQ(MustRequest(second).reason_code, "DOCUMENT_UNREADABLE");
  const std::vector<EventRecord> rejected = EventsOf(account_, EventType::kApprovalRejected);
  ASSERT_EQ(rejected.size(), 2u);
  EXPECT_EQ(std::get<ReviewChange>(Captured(rejected[1]).data).request.reason_code,
            "DOCUMENT_UNREADABLE");

  clock_.Advance(kSecond);  // requests are listed by creation time
  const std::string third = OpenEvidence(account_, kNumber);
  Decision unknown = kReject;
  unknown.reason_code = "BLURRY";
  EXPECT_EQ(Reviews().Reject(third, unknown).error().code, ErrorCode::kValidationError);
  Decision too_long = kReject;
  too_long.reason = std::string(501 * 3, '\0');
  for (size_t i = 0; i < 501; ++i) too_long.reason->replace(i * 3, 3, "가");
  EXPECT_EQ(Reviews().Reject(third, too_long).error().code, ErrorCode::kValidationError);
  too_long.reason->resize(500 * 3);  // 500 characters: accepted
  ASSERT_TRUE(Reviews().Reject(third, too_long).ok());

  // An approval carries no code, whatever the decision says.
  clock_.Advance(kSecond);  // requests are listed by creation time
  const std::string fourth = OpenEvidence(account_, kNumber);
  Decision approve = kApprove;
  approve.reason_code = "OTHER";
  ASSERT_TRUE(Reviews().Approve(fourth, approve).ok());
  EXPECT_FALSE(MustRequest(fourth).reason_code.has_value());
}

}  // namespace
}  // namespace senderid
