// Tests for core/lifecycle: every change records its domain event in the same transaction, with the
// account's gap-free sequence (SPEC §12), in the order of the changes of one request, with a
// SenderId's `log` holding only the lines that unit appended; nothing is recorded when the write
// function fails; and a force-retry store (fn run twice, the first run discarded) keeps exactly one
// event per change. Events are read back from the store (tx.events().List); their DomainEvent from
// the capturing encoder. On the in-memory store with a FakeClock, plain and force-retry.

#include "core/lifecycle/lifecycle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "core/events.h"
#include "core/ids.h"
#include "core/time.h"
#include "tests/unit/core_testing.h"

namespace senderid {
namespace {

using E = EventType;

constexpr std::string_view kCreatedLine = "발신번호를 생성하였습니다.";
constexpr std::string_view kExpiredLine = "발신번호 인증 기간이 만료되었습니다.";

class LifecycleTest : public test::MemoryRegistryTest {
 protected:
  void SetUp() override { account_ = NewAccount(10).account_id; }

  // The sequences of the account's events, in order.
  std::vector<int64_t> Sequences(const std::string& account) {
    std::vector<int64_t> out;
    for (const EventRecord& e : Events(account)) out.push_back(e.sequence);
    return out;
  }
  static std::vector<int64_t> OneTo(size_t n) {
    std::vector<int64_t> out;
    for (size_t i = 1; i <= n; ++i) out.push_back(static_cast<int64_t>(i));
    return out;
  }
  std::vector<EventType> TypesSince(const std::string& account, size_t from) {
    std::vector<EventType> all = EventTypes(account);
    return std::vector<EventType>(all.begin() + static_cast<std::ptrdiff_t>(from), all.end());
  }
  SenderId EntryData(const EventRecord& record) {
    const DomainEvent e = Captured(record);
    if (!std::holds_alternative<SenderId>(e.data)) {
      ADD_FAILURE() << ToString(record.type) << " carries no SenderId";
      return SenderId{};
    }
    return std::get<SenderId>(e.data);
  }
  ReviewChange RequestData(const EventRecord& record) {
    const DomainEvent e = Captured(record);
    if (!std::holds_alternative<ReviewChange>(e.data)) {
      ADD_FAILURE() << ToString(record.type) << " carries no ReviewChange";
      return ReviewChange{};
    }
    return std::get<ReviewChange>(e.data);
  }
  static std::vector<std::string> Messages(const std::vector<LogEntry>& log) {
    std::vector<std::string> out;
    for (const LogEntry& l : log) out.push_back(l.message);
    return out;
  }

  std::string account_;
};

SID_ON_EVERY_MEMORY_STORE(LifecycleTest);

TEST_P(LifecycleTest, EveryChangeRecordsOneEventWithTheAccountsNextSequence) {
  const std::string b = NewAccount().account_id;
  const std::string n = "01012345678";
  MustCreate(account_, n);                                        // A: created
  clock_.Advance(kSecond);
  MustCreate(b, n);                                               // B: created
  const std::string doc = MustUpload(account_);                  // A: document.uploaded
  ASSERT_TRUE(Papers().SubmitEvidence(account_, n, {doc}).ok());  // A: approval.requested
  clock_.Advance(kSecond);
  const std::string approval = MustEntry(account_, n).approvals[0].request_id;
  ASSERT_TRUE(Reviews().Approve(approval, Decision{"op", std::nullopt}).ok());
  // A: approval.approved, senderid.verified; B: senderid.duplicated
  clock_.Advance(kSecond);
  ASSERT_TRUE(Numbers().UpdateStatus(account_, n, NumberStatus::kInactive).ok());  // A
  ASSERT_TRUE(Numbers().UpdateStatus(account_, n, NumberStatus::kInactive).ok());  // no change
  ASSERT_TRUE(Papers().RequestUnlock(AccountOf(b), n, "사유", std::nullopt).ok());  // B
  const std::string limit_doc = MustUpload(account_);                              // A
  ASSERT_TRUE(Papers().RequestLimit(account_, {limit_doc}, 20).ok());              // A
  ASSERT_TRUE(Numbers().Delete(b, n).ok());  // B: duplicate.cancelled, senderid.deleted

  const std::vector<EventType> a_types = {
      E::kSenderIdCreated,  E::kDocumentUploaded,     E::kApprovalRequested,
      E::kApprovalApproved, E::kSenderIdVerified,     E::kSenderIdStatusChanged,
      E::kDocumentUploaded, E::kLimitationRequested,
  };
  const std::vector<EventType> b_types = {E::kSenderIdCreated, E::kSenderIdDuplicated,
                                          E::kDuplicateRequested, E::kDuplicateCancelled,
                                          E::kSenderIdDeleted};
  EXPECT_EQ(EventTypes(account_), a_types);
  EXPECT_EQ(EventTypes(b), b_types);
  EXPECT_EQ(Sequences(account_), OneTo(a_types.size())) << "1..N, no gap, no repeat";
  EXPECT_EQ(Sequences(b), OneTo(b_types.size()));

  std::set<std::string> ids;
  for (const std::string& account : {account_, b}) {
    for (const EventRecord& e : Events(account)) {
      EXPECT_TRUE(std::regex_match(e.event_id, std::regex("EVT[0-9]{14}[A-Z0-9]{15}")))
          << e.event_id;
      EXPECT_EQ(e.event_id.substr(3, 14), FormatKoreaStamp(e.date_created));
      EXPECT_EQ(e.account_id, account);
      ids.insert(e.event_id);
      const DomainEvent d = Captured(e);
      EXPECT_EQ(d.type, e.type);
      EXPECT_EQ(d.account_id, account);
      EXPECT_EQ(d.subject, e.subject);
      EXPECT_EQ(d.at, e.date_created);
    }
  }
  EXPECT_EQ(ids.size(), a_types.size() + b_types.size()) << "event ids are unique";
}

TEST_P(LifecycleTest, EachRunOfAWriteFunctionEncodesAfreshAndOnlyTheKeptRunIsStored) {
  MustCreate(account_, "01012345678");
  ASSERT_TRUE(Numbers().Delete(account_, "01012345678").ok());
  EXPECT_EQ(Events(account_).size(), 2u);
  // On a force-retry store each change was encoded twice (one run discarded), stored once.
  EXPECT_EQ(encoder_.events().size(), force_retry() ? 4u : 2u);
}

TEST_P(LifecycleTest, SubjectsAndDatesOfEvents) {
  const TimeMs t0 = clock_.Now();
  const SenderId e = MustCreate(account_, "01012345678");
  clock_.Advance(kMinute);
  const std::string doc = MustUpload(account_);
  clock_.Advance(kMinute);
  ASSERT_TRUE(Papers().SubmitEvidence(account_, "01012345678", {doc}).ok());
  const std::string approval = MustEntry(account_, "01012345678").approvals[0].request_id;
  const std::vector<EventRecord> events = Events(account_);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].subject, e.handle_key);
  EXPECT_EQ(events[0].date_created, t0);
  EXPECT_EQ(events[1].subject, doc);
  EXPECT_EQ(events[1].date_created, t0 + kMinute);
  EXPECT_EQ(events[2].subject, approval);
  EXPECT_EQ(events[2].date_created, t0 + 2 * kMinute);
}

// ---------------------------------------------------------------------------------------------
// The order of the events of one request (SPEC §12 Details)

TEST_P(LifecycleTest, CreateWithDocumentsRecordsCreatedThenApprovalRequested) {
  const std::string doc = MustUpload(account_);
  const size_t before = Events(account_).size();
  const SenderId e = MustCreate(account_, "01012345678", {doc});
  ASSERT_EQ(TypesSince(account_, before),
            (std::vector<EventType>{E::kSenderIdCreated, E::kApprovalRequested}));
  const std::vector<EventRecord> events = Events(account_);
  const SenderId created = EntryData(events[before]);
  EXPECT_EQ(created.status, NumberStatus::kPending);
  EXPECT_EQ(Messages(created.log), std::vector<std::string>{std::string(kCreatedLine)});
  EXPECT_TRUE(created.approvals.empty()) << "as right after its own change";
  const ReviewChange requested = RequestData(events[before + 1]);
  EXPECT_EQ(requested.request.documents, std::vector<std::string>{doc});
  EXPECT_EQ(requested.request.phone_number, "01012345678");
  EXPECT_EQ(requested.request.handle_key, e.handle_key);
  EXPECT_TRUE(MustDocument(account_, doc).use);
  // The entry's log has both lines; the create answered with the approval open.
  EXPECT_EQ(Messages(MustEntry(account_, "01012345678").log),
            (std::vector<std::string>{std::string(kCreatedLine), "발신번호 증빙자료 요청을 하였습니다."}));
  ASSERT_EQ(e.approvals.size(), 1u);
}

TEST_P(LifecycleTest, AnEntryCreatedDuplicatedGetsCreatedOnlyAndLeavesTheDocumentsUnused) {
  const std::string holder = NewAccount().account_id;
  MustCreate(holder, "01012345678");
  MustVerifyByArs(holder, "01012345678");
  const std::string doc = MustUpload(account_);
  const size_t before = Events(account_).size();
  const SenderId e = MustCreate(account_, "01012345678", {doc});
  EXPECT_EQ(e.status, NumberStatus::kDuplicated);
  EXPECT_TRUE(e.approvals.empty());
  EXPECT_EQ(TypesSince(account_, before), std::vector<EventType>{E::kSenderIdCreated});
  EXPECT_EQ(EntryData(Events(account_).back()).status, NumberStatus::kDuplicated);
  EXPECT_FALSE(MustDocument(account_, doc).use);
}

TEST_P(LifecycleTest, DeleteRecordsTheCancellationsThenTheDeletion) {
  const std::string n = "01012345678";
  MustCreate(account_, n);
  // A rejected evidence request (stays REJECTED), then a pending one; then the number is verified
  // elsewhere (DUPLICATED) and an unlock is asked: two pending requests of two kinds.
  const std::string rejected_doc = MustUpload(account_);
  ASSERT_TRUE(Papers().SubmitEvidence(account_, n, {rejected_doc}).ok());
  ASSERT_TRUE(Reviews()
                  .Reject(MustEntry(account_, n).approvals[0].request_id, Decision{"op", "흐림"})
                  .ok());
  clock_.Advance(kSecond);
  const std::string pending_doc = MustUpload(account_);
  const std::string shared_doc = MustUpload(account_);
  ASSERT_TRUE(Papers().SubmitEvidence(account_, n, {pending_doc, shared_doc}).ok());
  MustCreate(account_, "01087654321");
  ASSERT_TRUE(Papers().SubmitEvidence(account_, "01087654321", {shared_doc}).ok());
  const std::string holder = NewAccount().account_id;
  MustCreate(holder, n);
  MustVerifyByArs(holder, n);
  ASSERT_EQ(MustEntry(account_, n).status, NumberStatus::kDuplicated);
  clock_.Advance(kSecond);
  ASSERT_TRUE(Papers().RequestUnlock(AccountOf(account_), n, "사유", "담당").ok());
  const SenderId before_delete = MustEntry(account_, n);
  ASSERT_EQ(before_delete.approvals.size(), 2u);
  const std::string pending_approval = before_delete.approvals[1].request_id;
  const std::string unlock = before_delete.unlock->request_id;

  clock_.Advance(kMinute);
  const size_t before = Events(account_).size();
  ASSERT_TRUE(Numbers().Delete(account_, n).ok());
  const std::vector<EventRecord> events = Events(account_);
  ASSERT_EQ(TypesSince(account_, before),
            (std::vector<EventType>{E::kApprovalCancelled, E::kDuplicateCancelled,
                                    E::kSenderIdDeleted}));
  const ReviewChange cancelled = RequestData(events[before]);
  EXPECT_EQ(cancelled.request.request_id, pending_approval);
  EXPECT_EQ(cancelled.request.status, RequestStatus::kCancelled);
  EXPECT_EQ(cancelled.request.phone_number, n);
  const ReviewChange unlock_cancelled = RequestData(events[before + 1]);
  EXPECT_EQ(unlock_cancelled.request.request_id, unlock);
  EXPECT_EQ(unlock_cancelled.request.status, RequestStatus::kCancelled);
  EXPECT_EQ(unlock_cancelled.request.phone_number, n);
  // The deleted entry as it was (its requests as closed by this delete), with no log lines: the
  // delete appended none.
  const SenderId deleted = EntryData(events[before + 2]);
  EXPECT_EQ(deleted.handle_key, before_delete.handle_key);
  EXPECT_EQ(deleted.status, NumberStatus::kDuplicated);
  EXPECT_TRUE(deleted.log.empty());
  ASSERT_EQ(deleted.approvals.size(), 2u);
  EXPECT_EQ(deleted.approvals[0].status, RequestStatus::kRejected);
  EXPECT_EQ(deleted.approvals[1].status, RequestStatus::kCancelled);
  ASSERT_TRUE(deleted.unlock.has_value());
  EXPECT_EQ(deleted.unlock->status, RequestStatus::kCancelled);

  // The requests stay for the record; the documents are released unless used elsewhere.
  EXPECT_EQ(RequestOf(pending_approval)->status, RequestStatus::kCancelled);
  EXPECT_EQ(RequestOf(unlock)->status, RequestStatus::kCancelled);
  EXPECT_EQ(RequestOf(before_delete.approvals[0].request_id)->status, RequestStatus::kRejected);
  EXPECT_FALSE(MustDocument(account_, rejected_doc).use);
  EXPECT_FALSE(MustDocument(account_, pending_doc).use);
  EXPECT_TRUE(MustDocument(account_, shared_doc).use) << "still attached to the other number's";
  EXPECT_FALSE(EntryOf(account_, n).has_value());
}

// ---------------------------------------------------------------------------------------------
// A SenderId's event data carries only the log lines of its unit

TEST_P(LifecycleTest, EventDataLogHoldsOnlyTheLinesThatUnitAppended) {
  const std::string n = "01012345678";
  MustCreate(account_, n);
  MustVerifyByArs(account_, n);
  clock_.Advance(kMinute);
  ASSERT_TRUE(Numbers().UpdateStatus(account_, n, NumberStatus::kInactive).ok());
  ASSERT_EQ(MustEntry(account_, n).log.size(), 3u);
  const EventRecord changed = Events(account_).back();
  ASSERT_EQ(changed.type, E::kSenderIdStatusChanged);
  const SenderId data = EntryData(changed);
  EXPECT_EQ(data.status, NumberStatus::kInactive);
  ASSERT_EQ(data.log.size(), 1u);
  EXPECT_EQ(data.log[0].message, "발신번호 상태를 'INACTIVE'로 변경하였습니다.");
  EXPECT_EQ(data.log[0].create_at, clock_.Now());

  const EventRecord verified = EventsOf(account_, E::kSenderIdVerified).front();
  EXPECT_EQ(Messages(EntryData(verified).log),
            std::vector<std::string>{"인증수단 'ARS'로 발신번호 인증이 완료되었습니다."});
  const EventRecord created = EventsOf(account_, E::kSenderIdCreated).front();
  EXPECT_EQ(Messages(EntryData(created).log), std::vector<std::string>{std::string(kCreatedLine)});
}

TEST_P(LifecycleTest, ExpiryIsLoggedAtTheLapseAndRecordedWhenNoticed) {
  const SenderId e = MustCreate(account_, "01012345678");
  const TimeMs lapse = *e.expire_at;
  clock_.Set(lapse + 3 * kHour);
  Result<int> swept = Numbers().SweepExpired();
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 1);
  const std::vector<EventRecord> expired = EventsOf(account_, E::kSenderIdExpired);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].date_created, lapse + 3 * kHour) << "recorded when noticed";
  const SenderId data = EntryData(expired[0]);
  EXPECT_EQ(data.status, NumberStatus::kExpired);
  ASSERT_EQ(data.log.size(), 1u);
  EXPECT_EQ(data.log[0].message, kExpiredLine);
  EXPECT_EQ(data.log[0].create_at, lapse) << "logged at the moment it lapsed";
  // Noticing again records nothing.
  ASSERT_TRUE(Numbers().SweepExpired().ok());
  ASSERT_TRUE(Numbers().Get(account_, nullptr).ok());
  EXPECT_EQ(EventsOf(account_, E::kSenderIdExpired).size(), 1u);
}

TEST_P(LifecycleTest, ALapseAndATurnToDuplicatedInOneUnitAreBothInTheSecondEventsLog) {
  const std::string n = "01012345678";
  const SenderId lapsing = MustCreate(account_, n);
  clock_.Set(*lapsing.expire_at + kMinute);
  const std::string other = NewAccount().account_id;
  MustCreate(other, n);
  const size_t before = Events(account_).size();
  MustVerifyByArs(other, n);
  ASSERT_EQ(TypesSince(account_, before),
            (std::vector<EventType>{E::kSenderIdExpired, E::kSenderIdDuplicated}));
  const std::vector<EventRecord> events = Events(account_);
  EXPECT_EQ(Messages(EntryData(events[before]).log),
            std::vector<std::string>{std::string(kExpiredLine)});
  EXPECT_EQ(Messages(EntryData(events[before + 1]).log),
            (std::vector<std::string>{std::string(kExpiredLine),
                                      "다른 계정에서 인증이 완료되어 중복 상태로 변경되었습니다."}))
      << "every line this request appended to the entry, in order";
}

// ---------------------------------------------------------------------------------------------
// Failure and retry

TEST_P(LifecycleTest, NothingIsRecordedWhenTheWriteFunctionFails) {
  const TimeMs now = clock_.Now();
  Status s = store().Write([&](WriteTx& tx) -> Status {
    Changes changes = lifecycle().Begin(tx, now);
    SID_TRY(
        changes.Register(account_, "01012345678", false, NewId(kHandleKeyPrefix, now, random_)));
    Document d;
    d.document_id = NewId(kDocumentPrefix, now, random_);
    d.account_id = account_;
    d.name = "abcdefghijklmno.pdf";
    d.original_name = d.name;
    d.category = "SENDERID_APPROVAL";
    d.content_type = "application/pdf";
    d.date_created = now;
    SID_TRY(changes.AddDocument(d));
    return Error(ErrorCode::kValidationError, "changed my mind");
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kValidationError) << "the error comes back unchanged";
  EXPECT_EQ(s.error().message, "changed my mind");
  EXPECT_TRUE(Events(account_).empty());
  EXPECT_FALSE(EntryOf(account_, "01012345678").has_value());
  EXPECT_EQ(Query<int>([&](ReadTx& tx) { return tx.documents().Count(account_); }), 0);
  EXPECT_EQ(AccountOf(account_).date_updated, now) << "the account was not touched either";

  // The next committed change is the account's first event: no gap where the failed one was.
  clock_.Advance(kSecond);
  MustCreate(account_, "01012345678");
  EXPECT_EQ(Sequences(account_), OneTo(1));
}

TEST_P(LifecycleTest, AServiceRefusalRecordsNothing) {
  const std::string n = "01012345678";
  MustCreate(account_, n);
  ForceStatus(account_, n, NumberStatus::kActive, clock_.Now() + 10 * kDay);
  const size_t before = Events(account_).size();
  EXPECT_EQ(test::CodeOf(Numbers().Delete(account_, n)), ErrorCode::kFailedToDelete);
  EXPECT_EQ(test::CodeOf(Numbers().Create(account_, n, {})), ErrorCode::kAlreadyRegistered);
  EXPECT_EQ(test::CodeOf(Papers().SubmitEvidence(account_, n, {MustUpload(account_)})),
            ErrorCode::kAlreadyApproved);
  EXPECT_EQ(TypesSince(account_, before), std::vector<EventType>{E::kDocumentUploaded})
      << "only the upload";
}

TEST_P(LifecycleTest, ConcurrentChangesKeepEachAccountsSequenceGapFree) {
  const std::string b = NewAccount(10).account_id;
  NumbersService numbers = Numbers();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      const std::string& account = t % 2 == 0 ? account_ : b;
      for (int i = 0; i < 5; ++i) {
        const std::string number = "0109" + std::to_string(t) + "00000" + std::to_string(i);
        if (numbers.Create(account, number, {}).ok()) (void)numbers.Delete(account, number);
      }
    });
  for (std::thread& t : threads) t.join();
  for (const std::string& account : {account_, b}) {
    const std::vector<EventRecord> events = Events(account);
    EXPECT_EQ(events.size(), 20u) << "10 creates and 10 deletes";
    EXPECT_EQ(Sequences(account), OneTo(events.size()));
    std::map<std::string, std::vector<EventType>> by_subject;
    for (const EventRecord& e : events) by_subject[e.subject].push_back(e.type);
    for (const auto& [subject, types] : by_subject)
      EXPECT_EQ(types, (std::vector<EventType>{E::kSenderIdCreated, E::kSenderIdDeleted}))
          << subject;
  }
}

}  // namespace
}  // namespace senderid

namespace senderid {
namespace {

// account.limit_changed: an operator's edit of the limit, with the limit before; none for a no-op.
TEST_P(LifecycleTest, ChangingTheLimitRecordsItsEvent) {
  const auto change = [&](int limit) {
    Status s = store().Write([&](WriteTx& tx) -> Status {
      SID_ASSIGN_OR_RETURN(std::optional<Account> a, tx.accounts().Find(account_));
      return lifecycle().Begin(tx, clock_.Now()).ChangeLimit(*a, limit);
    });
    ASSERT_TRUE(s.ok()) << s.error().message;
  };
  const int before = AccountOf(account_).limit;
  clock_.Advance(kSecond);
  change(before + 7);
  change(before + 7);
  change(1);  // below the current count is allowed
  EXPECT_EQ(AccountOf(account_).limit, 1);
  EXPECT_EQ(AccountOf(account_).date_updated, clock_.Now());
  const std::vector<EventRecord> events = EventsOf(account_, EventType::kAccountLimitChanged);
  ASSERT_EQ(events.size(), 2u);
  const LimitChange first = std::get<LimitChange>(Captured(events[0]).data);
  EXPECT_EQ(first.limit, before + 7);
  EXPECT_EQ(first.limit_before, before);
  const LimitChange second = std::get<LimitChange>(Captured(events[1]).data);
  EXPECT_EQ(second.limit, 1);
  EXPECT_EQ(second.limit_before, before + 7);
}

}  // namespace
}  // namespace senderid
