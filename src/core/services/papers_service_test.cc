// Tests for PapersService: the requests an operator decides (SPEC §4 endpoints 7–9, §3.3–3.5) —
// evidence for a number, a higher limit, the unlock of a number another account holds — with their
// errors in SPEC's order, the log lines of SPEC §3.2 (exact), the documents' `use` flags and the
// events (§12). On the in-memory store with a FakeClock, plain and force-retry.

#include "core/services/papers_service.h"

#include <gtest/gtest.h>

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/events.h"
#include "core/ids.h"
#include "core/time.h"
#include "tests/unit/core_testing.h"

namespace senderid {
namespace {

using test::CodeOf;

const std::string kNumber = "01012345678";
constexpr std::string_view kDocumentsSubmittedLine = "발신번호 증빙자료 요청을 하였습니다.";
constexpr std::string_view kAlreadyApproved = "이미 승인된 상태입니다.";

class PapersTest : public test::MemoryRegistryTest {
 protected:
  void SetUp() override {
    account_ = NewAccount(10, "주식회사 테스트").account_id;
    MustCreate(account_, kNumber);
  }

  // A number of `account` that another account holds verified: DUPLICATED.
  void MakeDuplicated(const std::string& account, const std::string& number) {
    const Credentials holder = NewAccount();
    MustCreate(holder.account_id, number);
    MustVerifyByArs(holder.account_id, number);
    clock_.Advance(kMinute);
    ASSERT_EQ(MustCreate(account, number).status, NumberStatus::kDuplicated);
  }

  // What must not move when a request is refused: the account's events, the entry's log, the
  // documents' use.
  struct Snapshot {
    size_t events = 0;
    size_t log_lines = 0;
    std::vector<bool> use;
    TimeMs date_updated = 0;
  };
  Snapshot Take(const std::string& number, const std::vector<std::string>& documents) {
    Snapshot s;
    s.events = Events(account_).size();
    if (std::optional<SenderId> e = EntryOf(account_, number)) s.log_lines = e->log.size();
    for (const std::string& d : documents)
      if (!d.empty() && d.substr(0, 3) == "DOC" && d.size() == 32)
        s.use.push_back(Query<std::optional<Document>>([&](ReadTx& tx) {
                          return tx.documents().Find(account_, d);
                        }).value_or(Document{}).use);
    s.date_updated = AccountOf(account_).date_updated;
    return s;
  }
  void ExpectUnchanged(const Snapshot& before, const std::string& number,
                       const std::vector<std::string>& documents) {
    const Snapshot now = Take(number, documents);
    EXPECT_EQ(now.events, before.events) << "no event";
    EXPECT_EQ(now.log_lines, before.log_lines) << "no log line";
    EXPECT_EQ(now.use, before.use) << "documents' use unchanged";
    EXPECT_EQ(now.date_updated, before.date_updated) << "no change";
  }

  std::string account_;
};

SID_ON_EVERY_MEMORY_STORE(PapersTest);

// ---------------------------------------------------------------------------------------------
// 7. Submit evidence

TEST_P(PapersTest, EvidenceOpensAnApprovalMarksTheDocumentsUsedAndLogs) {
  const std::string d1 = MustUpload(account_);
  const std::string d2 = MustUpload(account_);
  EXPECT_FALSE(MustDocument(account_, d1).use);
  clock_.Advance(kMinute);
  const TimeMs now = clock_.Now();
  Result<AccountDoc> r = Papers().SubmitEvidence(account_, "010-1234-5678", {d1, d2, d1});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->account.date_updated, now);
  ASSERT_EQ(r->sender_ids.size(), 1u);
  const SenderId& e = r->sender_ids[0];
  EXPECT_EQ(e.status, NumberStatus::kPending) << "evidence waits for the operator";
  EXPECT_EQ(e.method, VerificationMethod::kNone);
  EXPECT_EQ(e.date_updated, now);
  ASSERT_EQ(e.log.size(), 2u);
  EXPECT_EQ(e.log[1].message, kDocumentsSubmittedLine);
  EXPECT_EQ(e.log[1].create_at, now);
  ASSERT_EQ(e.approvals.size(), 1u);
  const ReviewRequest& a = e.approvals[0];
  EXPECT_TRUE(std::regex_match(a.request_id, std::regex("APD[0-9]{14}[A-Z0-9]{15}")))
      << a.request_id;
  EXPECT_EQ(a.request_id.substr(3, 14), FormatKoreaStamp(now));
  EXPECT_EQ(a.kind, ReviewKind::kApproval);
  EXPECT_EQ(a.documents, (std::vector<std::string>{d1, d2})) << "in order, once each";
  EXPECT_EQ(a.status, RequestStatus::kPending);
  EXPECT_FALSE(a.reason.has_value());
  EXPECT_FALSE(a.decided_by.has_value());
  EXPECT_EQ(a.date_created, now);
  EXPECT_EQ(a.date_updated, now);
  EXPECT_TRUE(MustDocument(account_, d1).use);
  EXPECT_TRUE(MustDocument(account_, d2).use);

  const std::vector<EventRecord> requested = EventsOf(account_, EventType::kApprovalRequested);
  ASSERT_EQ(requested.size(), 1u);
  EXPECT_EQ(requested[0].subject, a.request_id);
  const ReviewChange data = std::get<ReviewChange>(Captured(requested[0]).data);
  EXPECT_EQ(data.request.request_id, a.request_id);
  EXPECT_EQ(data.request.phone_number, kNumber) << "Approval + phoneNumber";
  EXPECT_EQ(data.request.status, RequestStatus::kPending);
  EXPECT_FALSE(data.limit.has_value());
}

TEST_P(PapersTest, EvidenceNeedsAtLeastOneDocument) {
  const Snapshot before = Take(kNumber, {});
  Result<AccountDoc> r = Papers().SubmitEvidence(account_, kNumber, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kValidationError);
  ExpectUnchanged(before, kNumber, {});
}

TEST_P(PapersTest, EvidenceErrorsInTheirOrder) {
  const std::string doc = MustUpload(account_);
  const Credentials other = NewAccount();
  const std::string foreign_doc = MustUpload(other.account_id);
  MustCreate(other.account_id, "01099990000");
  const std::string unknown_doc = "DOC20260203153045ABCDEFGHIJKLMNO";
  // One number per state.
  MustCreate(account_, "01011110001");
  ForceStatus(account_, "01011110001", NumberStatus::kActive, clock_.Now() + 100 * kDay);
  MustCreate(account_, "01011110002");
  ForceStatus(account_, "01011110002", NumberStatus::kInactive, clock_.Now() + 100 * kDay);
  MakeDuplicated(account_, "01011110003");
  MustCreate(account_, "01011110004");
  const std::string used = MustUpload(account_);
  ASSERT_TRUE(Papers().SubmitEvidence(account_, "01011110004", {used}).ok());  // pending approval

  struct Case {
    std::string_view why;
    std::string number;
    std::vector<std::string> documents;
    ErrorCode want;
  };
  const std::vector<Case> cases = {
      {"unknown number before bad documents", "01000000000", {unknown_doc},
       ErrorCode::kInvalidSenderId},
      {"another account's number", "01099990000", {doc}, ErrorCode::kInvalidSenderId},
      {"unknown document", kNumber, {doc, unknown_doc}, ErrorCode::kInvalidDocumentId},
      {"another account's document", kNumber, {foreign_doc}, ErrorCode::kInvalidDocumentId},
      {"malformed document id", kNumber, {"not-a-document"}, ErrorCode::kInvalidDocumentId},
      {"ACTIVE, bad documents: documents first", "01011110001", {unknown_doc},
       ErrorCode::kInvalidDocumentId},
      {"ACTIVE", "01011110001", {doc}, ErrorCode::kAlreadyApproved},
      {"INACTIVE", "01011110002", {doc}, ErrorCode::kAlreadyApproved},
      {"DUPLICATED, bad documents: documents first", "01011110003", {unknown_doc},
       ErrorCode::kInvalidDocumentId},
      {"DUPLICATED", "01011110003", {doc}, ErrorCode::kDuplicatedSenderId},
      {"pending approval, bad documents: documents first", "01011110004", {unknown_doc},
       ErrorCode::kInvalidDocumentId},
      {"pending approval", "01011110004", {doc}, ErrorCode::kAlreadyRequested},
  };
  for (const Case& c : cases) {
    const Snapshot before = Take(c.number, c.documents);
    Result<AccountDoc> r = Papers().SubmitEvidence(account_, c.number, c.documents);
    ASSERT_FALSE(r.ok()) << c.why;
    EXPECT_EQ(r.error().code, c.want) << c.why << ": " << r.error().message;
    if (c.want == ErrorCode::kAlreadyApproved) {
      EXPECT_EQ(r.error().message, kAlreadyApproved);
    }
    if (c.want == ErrorCode::kInvalidSenderId) {
      EXPECT_EQ(r.error().message, "등록된 발신번호 정보를 찾을 수 없습니다.");
    }
    if (c.want == ErrorCode::kInvalidDocumentId) {
      EXPECT_EQ(r.error().message, "등록된 문서 정보를 찾을 수 없습니다.");
    }
    ExpectUnchanged(before, c.number, c.documents);
  }
  EXPECT_FALSE(MustDocument(account_, doc).use);
}

TEST_P(PapersTest, AnExpiredEntryMayAskForEvidence) {
  clock_.Advance(12 * kDay);
  const std::string doc = MustUpload(account_);
  Result<AccountDoc> r = Papers().SubmitEvidence(account_, kNumber, {doc});
  ASSERT_TRUE(r.ok()) << r.error().message;
  const SenderId& e = r->sender_ids[0];
  EXPECT_EQ(e.status, NumberStatus::kExpired);
  ASSERT_EQ(e.log.size(), 3u);
  EXPECT_EQ(e.log[1].message, "발신번호 인증 기간이 만료되었습니다.");
  EXPECT_EQ(e.log[2].message, kDocumentsSubmittedLine);
}

TEST_P(PapersTest, AfterARejectionEvidenceMayBeSubmittedAgain) {
  const std::string first = MustUpload(account_);
  Result<AccountDoc> r = Papers().SubmitEvidence(account_, kNumber, {first});
  ASSERT_TRUE(r.ok());
  const std::string rejected = r->sender_ids[0].approvals[0].request_id;
  ASSERT_TRUE(Reviews().Reject(rejected, Decision{"operator", "흐릿합니다"}).ok());
  EXPECT_TRUE(MustDocument(account_, first).use)
      << "attached to a request, decided or not (SPEC §3.6: used once attached to any request)";
  EXPECT_EQ(CodeOf(Documents().Delete(account_, {first})), ErrorCode::kDocumentInUse);
  clock_.Advance(kMinute);
  const std::string second = MustUpload(account_);
  r = Papers().SubmitEvidence(account_, kNumber, {second});
  ASSERT_TRUE(r.ok()) << r.error().message;
  const SenderId& e = r->sender_ids[0];
  ASSERT_EQ(e.approvals.size(), 2u);
  EXPECT_EQ(e.approvals[0].request_id, rejected) << "oldest first";
  EXPECT_EQ(e.approvals[0].status, RequestStatus::kRejected);
  EXPECT_EQ(e.approvals[1].status, RequestStatus::kPending);
  EXPECT_EQ(e.approvals[1].documents, std::vector<std::string>{second});
  EXPECT_EQ(Papers().SubmitEvidence(account_, kNumber, {second}).error().code,
            ErrorCode::kAlreadyRequested);
}

// ---------------------------------------------------------------------------------------------
// 8. Raise the limit

TEST_P(PapersTest, LimitRequestOpensALimitationAndTouchesNoNumber) {
  const std::string doc = MustUpload(account_, "SENDERID_LIMITATION");
  clock_.Advance(kMinute);
  const TimeMs now = clock_.Now();
  const size_t log_before = MustEntry(account_, kNumber).log.size();
  Result<AccountDoc> r = Papers().RequestLimit(account_, {doc}, 50);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->account.limit, 10) << "unchanged until approved";
  EXPECT_EQ(r->account.date_updated, now);
  ASSERT_EQ(r->limitations.size(), 1u);
  const ReviewRequest& l = r->limitations[0];
  EXPECT_TRUE(std::regex_match(l.request_id, std::regex("LID[0-9]{14}[A-Z0-9]{15}")))
      << l.request_id;
  EXPECT_EQ(l.kind, ReviewKind::kLimitation);
  EXPECT_EQ(l.documents, std::vector<std::string>{doc});
  EXPECT_EQ(l.status, RequestStatus::kPending);
  EXPECT_EQ(l.limit_requested, 50);
  EXPECT_EQ(l.limit_before_request, 10);
  EXPECT_FALSE(l.reason.has_value());
  EXPECT_EQ(l.date_created, now);
  EXPECT_TRUE(MustDocument(account_, doc).use);
  EXPECT_EQ(MustEntry(account_, kNumber).log.size(), log_before)
      << "limit requests concern the account, not a number";
  const std::vector<EventRecord> requested = EventsOf(account_, EventType::kLimitationRequested);
  ASSERT_EQ(requested.size(), 1u);
  EXPECT_EQ(requested[0].subject, l.request_id);
  const ReviewChange data = std::get<ReviewChange>(Captured(requested[0]).data);
  EXPECT_EQ(data.request.limit_requested, 50);
  EXPECT_EQ(data.request.limit_before_request, 10);
}

TEST_P(PapersTest, LimitMustBeGreaterThanTheCurrentOne) {
  struct Case {
    int64_t limit;
    bool ok;
  };
  const std::vector<Case> cases = {
      {-1, false},      {0, false},       {9, false},       {10, false},
      {11, true},       {1'000'000, true}, {1'000'001, false}, {int64_t{1} << 40, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.limit);
    const std::string account = NewAccount(10).account_id;
    const std::string doc = MustUpload(account);
    Result<AccountDoc> r = Papers().RequestLimit(account, {doc}, c.limit);
    if (c.ok) {
      ASSERT_TRUE(r.ok()) << r.error().message;
      ASSERT_EQ(r->limitations.size(), 1u);
      EXPECT_EQ(r->limitations[0].limit_requested, c.limit);
    } else {
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().code, ErrorCode::kValidationError);
      if (c.limit <= 10) {
        EXPECT_EQ(r.error().message,
                  "'limit' must be an integer greater than the current limit (10)");
      }
      EXPECT_TRUE(Events(account).size() == 1u) << "only the upload's event";
      EXPECT_FALSE(MustDocument(account, doc).use);
    }
  }
}

TEST_P(PapersTest, LimitErrorsInTheirOrder) {
  const std::string doc = MustUpload(account_);
  const std::string unknown_doc = "DOC20260203153045ABCDEFGHIJKLMNO";
  EXPECT_EQ(CodeOf(Papers().RequestLimit(account_, {}, 20)), ErrorCode::kValidationError)
      << "documents are required";
  EXPECT_EQ(CodeOf(Papers().RequestLimit(account_, {unknown_doc}, 5)),
            ErrorCode::kInvalidDocumentId)
      << "documents before the limit";
  ASSERT_TRUE(Papers().RequestLimit(account_, {doc}, 20).ok());
  const Snapshot before = Take(kNumber, {doc});
  EXPECT_EQ(CodeOf(Papers().RequestLimit(account_, {unknown_doc}, 30)),
            ErrorCode::kInvalidDocumentId);
  EXPECT_EQ(CodeOf(Papers().RequestLimit(account_, {doc}, 10)), ErrorCode::kValidationError)
      << "the limit before the pending request";
  Result<AccountDoc> r = Papers().RequestLimit(account_, {doc}, 30);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kAlreadyRequested);
  ExpectUnchanged(before, kNumber, {doc});
  EXPECT_EQ(AccountOf(account_).limit, 10);
}

TEST_P(PapersTest, AfterADecisionALimitMayBeRequestedAgainAboveTheNewLimit) {
  const std::string doc = MustUpload(account_);
  Result<AccountDoc> r = Papers().RequestLimit(account_, {doc}, 20);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(
      Reviews().Approve(r->limitations[0].request_id, Decision{"operator", std::nullopt}).ok());
  EXPECT_EQ(AccountOf(account_).limit, 20);
  EXPECT_EQ(CodeOf(Papers().RequestLimit(account_, {doc}, 20)), ErrorCode::kValidationError);
  clock_.Advance(kMinute);
  r = Papers().RequestLimit(account_, {doc}, 21);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->limitations.size(), 2u);
  EXPECT_EQ(r->limitations[1].limit_before_request, 20);
  ASSERT_TRUE(Reviews().Reject(r->limitations[1].request_id, Decision{"operator", "no"}).ok());
  EXPECT_TRUE(Papers().RequestLimit(account_, {doc}, 25).ok()) << "a rejected one waits no more";
}

// ---------------------------------------------------------------------------------------------
// 9. Duplicate unlock

TEST_P(PapersTest, UnlockFillsUnlockDuplicateAndLogs) {
  const std::string n = "01099998888";
  MakeDuplicated(account_, n);
  clock_.Advance(kMinute);
  const TimeMs now = clock_.Now();
  Result<AccountDoc> r =
      Papers().RequestUnlock(AccountOf(account_), "010-9999-8888", "번호를 양도받았습니다", "홍길동");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->account.date_updated, now);
  const SenderId e = MustEntry(account_, n);
  EXPECT_EQ(e.status, NumberStatus::kDuplicated) << "the operator decides";
  ASSERT_TRUE(e.unlock.has_value());
  const ReviewRequest& u = *e.unlock;
  EXPECT_TRUE(std::regex_match(u.request_id, std::regex("DUP[0-9]{14}[A-Z0-9]{15}")))
      << u.request_id;
  EXPECT_EQ(u.kind, ReviewKind::kDuplicate);
  EXPECT_EQ(u.reason_for_requested, "번호를 양도받았습니다");
  EXPECT_EQ(u.contact_name, "홍길동");
  EXPECT_EQ(u.status, RequestStatus::kPending);
  EXPECT_FALSE(u.reason.has_value());
  EXPECT_EQ(u.date_created, now);
  ASSERT_EQ(e.log.size(), 2u);
  EXPECT_EQ(e.log[1].message, "중복해제 요청을 하였습니다. 담당자명: 홍길동, 사유: 번호를 양도받았습니다");
  EXPECT_EQ(e.log[1].create_at, now);
  const std::vector<EventRecord> requested = EventsOf(account_, EventType::kDuplicateRequested);
  ASSERT_EQ(requested.size(), 1u);
  EXPECT_EQ(requested[0].subject, u.request_id);
  const ReviewChange data = std::get<ReviewChange>(Captured(requested[0]).data);
  EXPECT_EQ(data.request.phone_number, n) << "UnlockDuplicate + phoneNumber";
  EXPECT_EQ(data.request.contact_name, "홍길동");
}

TEST_P(PapersTest, UnlockContactNameDefaultsToTheAccountName) {
  for (const std::optional<std::string>& name :
       {std::optional<std::string>(), std::optional<std::string>("")}) {
    SCOPED_TRACE(name ? "empty name" : "no name");
    const std::string n = name ? "01099990001" : "01099990002";
    MakeDuplicated(account_, n);
    ASSERT_TRUE(Papers().RequestUnlock(AccountOf(account_), n, "사유", name).ok());
    const SenderId e = MustEntry(account_, n);
    ASSERT_TRUE(e.unlock.has_value());
    EXPECT_EQ(e.unlock->contact_name, "주식회사 테스트");
    EXPECT_EQ(e.log.back().message, "중복해제 요청을 하였습니다. 담당자명: 주식회사 테스트, 사유: 사유");
  }
}

TEST_P(PapersTest, UnlockErrorsInTheirOrder) {
  MakeDuplicated(account_, "01011110003");
  MustCreate(account_, "01011110001");
  ForceStatus(account_, "01011110001", NumberStatus::kActive, clock_.Now() + 100 * kDay);
  MustCreate(account_, "01011110002");
  ForceStatus(account_, "01011110002", NumberStatus::kInactive, clock_.Now() + 100 * kDay);
  MustCreate(account_, "01011110005");
  ForceStatus(account_, "01011110005", NumberStatus::kExpired, std::nullopt,
              VerificationMethod::kNone);
  MakeDuplicated(account_, "01011110004");
  ASSERT_TRUE(Papers().RequestUnlock(AccountOf(account_), "01011110004", "먼저", "김").ok());
  struct Case {
    std::string_view why;
    std::string number;
    std::string reason;
    ErrorCode want;
  };
  const std::vector<Case> cases = {
      {"no reason", "01011110003", "", ErrorCode::kValidationError},
      {"no reason, unknown number", "01000000000", "", ErrorCode::kValidationError},
      {"unknown number", "01000000000", "사유", ErrorCode::kInvalidSenderId},
      {"PENDING", kNumber, "사유", ErrorCode::kAlreadyApproved},
      {"ACTIVE", "01011110001", "사유", ErrorCode::kAlreadyApproved},
      {"INACTIVE", "01011110002", "사유", ErrorCode::kAlreadyApproved},
      {"EXPIRED", "01011110005", "사유", ErrorCode::kAlreadyApproved},
      {"pending unlock", "01011110004", "사유", ErrorCode::kAlreadyRequested},
  };
  for (const Case& c : cases) {
    const Snapshot before = Take(c.number, {});
    Result<AccountDoc> r = Papers().RequestUnlock(AccountOf(account_), c.number, c.reason, "이름");
    ASSERT_FALSE(r.ok()) << c.why;
    EXPECT_EQ(r.error().code, c.want) << c.why << ": " << r.error().message;
    if (c.want == ErrorCode::kAlreadyApproved) {
      EXPECT_EQ(r.error().message, kAlreadyApproved);
    }
    ExpectUnchanged(before, c.number, {});
  }
}

TEST_P(PapersTest, AfterARejectedUnlockAnotherMayBeAsked) {
  MakeDuplicated(account_, "01011110003");
  ASSERT_TRUE(Papers().RequestUnlock(AccountOf(account_), "01011110003", "첫 번째", "김").ok());
  const std::string first = MustEntry(account_, "01011110003").unlock->request_id;
  ASSERT_TRUE(Reviews().Reject(first, Decision{"operator", "근거 부족"}).ok());
  clock_.Advance(kMinute);
  ASSERT_TRUE(Papers().RequestUnlock(AccountOf(account_), "01011110003", "두 번째", "김").ok());
  const SenderId e = MustEntry(account_, "01011110003");
  ASSERT_TRUE(e.unlock.has_value());
  EXPECT_NE(e.unlock->request_id, first) << "unlockDuplicate shows the latest request";
  EXPECT_EQ(e.unlock->reason_for_requested, "두 번째");
  EXPECT_EQ(e.unlock->status, RequestStatus::kPending);
}

TEST_P(PapersTest, RequestsOfOneAccountAreInvisibleToAnother) {
  const Credentials other = NewAccount();
  const std::string doc = MustUpload(account_);
  ASSERT_TRUE(Papers().SubmitEvidence(account_, kNumber, {doc}).ok());
  ASSERT_TRUE(Papers().RequestLimit(account_, {doc}, 20).ok());
  Result<AccountDoc> theirs = Numbers().Get(other.account_id, nullptr);
  ASSERT_TRUE(theirs.ok());
  EXPECT_TRUE(theirs->limitations.empty());
  EXPECT_TRUE(theirs->sender_ids.empty());
  // Their own limit request is not blocked by ours.
  const std::string their_doc = MustUpload(other.account_id);
  EXPECT_TRUE(Papers().RequestLimit(other.account_id, {their_doc}, 20).ok());
}

}  // namespace
}  // namespace senderid
