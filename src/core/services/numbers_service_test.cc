// Tests for NumbersService (SPEC §4 endpoints 1–5 and "Bounds" on status changes, §7 expiry, §8
// paging) on the in-memory store with a FakeClock, each on a plain and on a force-retry store.
// Where a test needs a verified number (ARS is another service), it sets the entry's status
// directly through a WriteTx (tx.numbers().Update, MemoryRegistry::ForceStatus).

#include "core/services/numbers_service.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/events.h"
#include "core/time.h"
#include "tests/unit/core_testing.h"

namespace senderid {
namespace {

constexpr std::string_view kCreated = "발신번호를 생성하였습니다.";
constexpr std::string_view kExpired = "발신번호 인증 기간이 만료되었습니다.";

class NumbersServiceTest : public test::MemoryRegistryTest {
 protected:
  // MustCreate (test::MemoryRegistry) registers and expects success; returns the new entry.

  AccountDoc MustGet(const std::string& account, const NumberPageQuery* page = nullptr) {
    Result<AccountDoc> doc = Numbers().Get(account, page);
    if (!doc.ok()) {
      ADD_FAILURE() << "Get: " << doc.error().message;
      return AccountDoc{};
    }
    return std::move(doc).value();
  }

  // The entry of `number` in the account's whole doc, or nullopt.
  std::optional<SenderId> Find(const std::string& account, std::string_view number) {
    for (SenderId& e : MustGet(account).sender_ids)
      if (e.phone_number == number) return std::move(e);
    return std::nullopt;
  }

  // The status of `number` in the account's whole doc, or nullopt when it has no such entry.
  std::optional<NumberStatus> StatusOf(const std::string& account, std::string_view number) {
    const std::optional<SenderId> e = Find(account, number);
    if (!e) return std::nullopt;
    return e->status;
  }

  // What ARS or an operator would do: sets status, method and expire_at directly in the store
  // (tx.numbers().Update; no log line, no event).
  void Force(const std::string& account, std::string_view number, NumberStatus status,
             std::optional<TimeMs> expire_at,
             VerificationMethod method = VerificationMethod::kArs) {
    ForceStatus(account, std::string(number), status, expire_at, method);
  }
  void ForceActive(const std::string& account, std::string_view number) {
    Force(account, number, NumberStatus::kActive, clock_.Now() + 180 * kDay);
  }

  static std::optional<ErrorCode> CodeOf(const Result<AccountDoc>& r) { return test::CodeOf(r); }
};

SID_ON_EVERY_MEMORY_STORE(NumbersServiceTest);

// ---------------------------------------------------------------------------------------------
// Create

TEST_P(NumbersServiceTest, FreshAccountHasAnEmptyDoc) {
  const Credentials a = NewAccount();
  const AccountDoc doc = MustGet(a.account_id);
  EXPECT_EQ(doc.account.account_id, a.account_id);
  EXPECT_EQ(doc.account.limit, 5);
  EXPECT_TRUE(doc.sender_ids.empty());
  EXPECT_TRUE(doc.limitations.empty());
  EXPECT_FALSE(doc.paged);
  Result<std::vector<std::string>> active = Numbers().ActiveNumbers(a.account_id);
  ASSERT_TRUE(active.ok());
  EXPECT_TRUE(active->empty());
}

TEST_P(NumbersServiceTest, CreateRegistersAPendingEntry) {
  const Credentials a = NewAccount();
  clock_.Advance(kMinute);
  const TimeMs now = clock_.Now();
  Result<AccountDoc> doc = Numbers().Create(a.account_id, "01012345678", {});
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(doc->account.account_id, a.account_id);
  EXPECT_EQ(doc->account.date_updated, now);
  ASSERT_EQ(doc->sender_ids.size(), 1u);
  const SenderId& e = doc->sender_ids[0];
  EXPECT_EQ(e.phone_number, "01012345678");
  EXPECT_EQ(e.account_id, a.account_id);
  EXPECT_EQ(e.status, NumberStatus::kPending);
  EXPECT_EQ(e.method, VerificationMethod::kNone);
  ASSERT_TRUE(e.expire_at.has_value());
  EXPECT_EQ(*e.expire_at, now + 12 * kDay);
  ASSERT_EQ(e.log.size(), 1u);
  EXPECT_EQ(e.log[0].message, kCreated);
  EXPECT_EQ(e.log[0].create_at, now);
  EXPECT_TRUE(e.approvals.empty());
  EXPECT_FALSE(e.unlock.has_value());
  EXPECT_EQ(e.date_created, now);
  EXPECT_EQ(e.date_updated, now);

  // SED + yyyyMMddHHmmss (Korea time of creation) + 15 [A-Z0-9].
  EXPECT_EQ(e.handle_key.size(), 32u);
  EXPECT_TRUE(std::regex_match(e.handle_key, std::regex("SED[0-9]{14}[A-Z0-9]{15}")))
      << e.handle_key;
  EXPECT_EQ(e.handle_key.substr(3, 14), FormatKoreaStamp(now));

  // Stored: a fresh read shows the same entry.
  const std::optional<SenderId> again = Find(a.account_id, "01012345678");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->handle_key, e.handle_key);
  EXPECT_EQ(again->status, NumberStatus::kPending);
  EXPECT_EQ(again->expire_at, e.expire_at);
  ASSERT_EQ(again->log.size(), 1u);
  EXPECT_EQ(again->log[0].message, kCreated);
}

TEST_P(NumbersServiceTest, PendingLifetimeIsConfigurable) {
  RegistryOptions options;
  options.pending_lifetime = 3 * kDay;
  SetRegistryOptions(options);
  const Credentials a = NewAccount();
  const SenderId e = MustCreate(a.account_id, "01012345678");
  EXPECT_EQ(e.expire_at, clock_.Now() + 3 * kDay);
}

TEST_P(NumbersServiceTest, HandleKeysAreDistinctAndStampedInKoreaTime) {
  const Credentials a = NewAccount();
  // 15:00 UTC is midnight in Korea: the stamp shows the next day.
  clock_.Set(test::Utc(2025, 12, 31, 15, 0, 0, 1));
  std::set<std::string> keys;
  for (std::string_view n : {"01011110001", "01011110002", "01011110003", "01011110004"}) {
    const SenderId e = MustCreate(a.account_id, n);
    EXPECT_EQ(e.handle_key.substr(0, 17), "SED20260101000000") << e.handle_key;
    keys.insert(e.handle_key);
  }
  EXPECT_EQ(keys.size(), 4u);
}

TEST_P(NumbersServiceTest, SeparatorsAreStripped) {
  const Credentials a = NewAccount(10);
  struct Case {
    std::string_view input;
    std::string_view stored;
  };
  const std::vector<Case> cases = {
      {"010-1234-5678", "01012345678"},
      {"(02) 123-4567", "021234567"},
      {" 031 123 4567 ", "0311234567"},
      {"1588-1234", "15881234"},
      {"(070)1234-5678", "07012345678"},
  };
  for (const Case& c : cases) {
    const SenderId e = MustCreate(a.account_id, c.input);
    EXPECT_EQ(e.phone_number, c.stored) << c.input;
  }
  // The stored form is what a second registration with other separators collides with.
  EXPECT_EQ(CodeOf(Numbers().Create(a.account_id, "01012345678", {})),
            ErrorCode::kAlreadyRegistered);
  EXPECT_EQ(CodeOf(Numbers().Create(a.account_id, "010 1234 5678", {})),
            ErrorCode::kAlreadyRegistered);
}

TEST_P(NumbersServiceTest, InvalidNumbersAreRefusedAndNothingIsStored) {
  const Credentials a = NewAccount();
  for (std::string_view n : {"", "   ", "abc", "+821012345678", "010.1234.5678", "0101234",
                             "0101234567890", "112", "114", "02-1588-1234", "01212345678"}) {
    Result<AccountDoc> r = Numbers().Create(a.account_id, n, {});
    ASSERT_FALSE(r.ok()) << "'" << n << "' accepted";
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidPhoneNumber) << "'" << n << "'";
    EXPECT_EQ(r.error().message, "전화번호가 유효하지 않습니다.") << "'" << n << "'";
  }
  EXPECT_TRUE(MustGet(a.account_id).sender_ids.empty());
}

TEST_P(NumbersServiceTest, SpecialNumberNeedsTheOperatorOverrideForThatAccount) {
  const Credentials a = NewAccount();
  const Credentials b = NewAccount();
  EXPECT_EQ(CodeOf(Numbers().Create(a.account_id, "114", {})), ErrorCode::kInvalidPhoneNumber);
  ASSERT_TRUE(Accounts().AllowSpecialNumber(a.account_id, "114", test::kTestActor).ok());
  EXPECT_EQ(MustCreate(a.account_id, "114").status, NumberStatus::kPending);
  EXPECT_EQ(CodeOf(Numbers().Create(b.account_id, "114", {})), ErrorCode::kInvalidPhoneNumber);
}

TEST_P(NumbersServiceTest, UnknownDocumentIdIsRefusedAndNothingIsStored) {
  const Credentials a = NewAccount();
  EXPECT_EQ(CodeOf(Numbers().Create(a.account_id, "01012345678",
                                    {"DOC20260203153045ABCDEFGHIJKLMNO"})),
            ErrorCode::kInvalidDocumentId);
  EXPECT_TRUE(MustGet(a.account_id).sender_ids.empty());
}

TEST_P(NumbersServiceTest, RegisteringTwiceIsAlreadyRegistered) {
  const Credentials a = NewAccount();
  MustCreate(a.account_id, "01012345678");
  Result<AccountDoc> r = Numbers().Create(a.account_id, "01012345678", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kAlreadyRegistered);
  EXPECT_EQ(MustGet(a.account_id).sender_ids.size(), 1u);
}

TEST_P(NumbersServiceTest, LimitCountsEveryEntryAndDeletingFreesASlot) {
  const Credentials a = NewAccount(2);
  MustCreate(a.account_id, "01011110001");
  MustCreate(a.account_id, "01011110002");
  EXPECT_EQ(CodeOf(Numbers().Create(a.account_id, "01011110003", {})), ErrorCode::kLimitExceeded);
  // An EXPIRED entry still counts (SPEC §4.1: any status).
  clock_.Advance(13 * kDay);
  EXPECT_EQ(StatusOf(a.account_id, "01011110001"), NumberStatus::kExpired);
  EXPECT_EQ(CodeOf(Numbers().Create(a.account_id, "01011110003", {})), ErrorCode::kLimitExceeded);
  ASSERT_TRUE(Numbers().Delete(a.account_id, "01011110001").ok());
  EXPECT_EQ(MustCreate(a.account_id, "01011110003").status, NumberStatus::kPending);
  EXPECT_EQ(CodeOf(Numbers().Create(a.account_id, "01011110004", {})), ErrorCode::kLimitExceeded);
}

TEST_P(NumbersServiceTest, AlreadyRegisteredIsCheckedBeforeTheLimit) {
  const Credentials a = NewAccount(1);
  MustCreate(a.account_id, "01011110001");
  EXPECT_EQ(CodeOf(Numbers().Create(a.account_id, "01011110001", {})),
            ErrorCode::kAlreadyRegistered);
}

TEST_P(NumbersServiceTest, ConcurrentCreatesRespectTheLimit) {
  const Credentials a = NewAccount(3);
  std::atomic<int> ok{0}, limited{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      Result<AccountDoc> r =
          Numbers().Create(a.account_id, "0101111000" + std::to_string(i), {});
      if (r.ok())
        ++ok;
      else if (r.error().code == ErrorCode::kLimitExceeded)
        ++limited;
      else
        ++other;
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 3);
  EXPECT_EQ(limited.load(), 5);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(MustGet(a.account_id).sender_ids.size(), 3u);
}

TEST_P(NumbersServiceTest, ConcurrentCreatesOfOneNumberRegisterItOnce) {
  const Credentials a = NewAccount();
  std::atomic<int> ok{0}, already{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&] {
      Result<AccountDoc> r = Numbers().Create(a.account_id, "01012345678", {});
      if (r.ok())
        ++ok;
      else if (r.error().code == ErrorCode::kAlreadyRegistered)
        ++already;
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(already.load(), 5);
}

// ---------------------------------------------------------------------------------------------
// Duplicates (SPEC §4.1: "held" means verified elsewhere)

TEST_P(NumbersServiceTest, NumberVerifiedElsewhereIsCreatedDuplicated) {
  for (NumberStatus held : {NumberStatus::kActive, NumberStatus::kInactive}) {
    const Credentials owner = NewAccount();
    const Credentials other = NewAccount();
    MustCreate(owner.account_id, "01099990000");
    Force(owner.account_id, "01099990000", held, clock_.Now() + 180 * kDay);
    clock_.Advance(kSecond);
    const SenderId e = MustCreate(other.account_id, "010-9999-0000");
    EXPECT_EQ(e.status, NumberStatus::kDuplicated) << ToString(held);
    EXPECT_FALSE(e.expire_at.has_value()) << "a DUPLICATED entry has expireAt null";
    EXPECT_EQ(e.method, VerificationMethod::kNone);
    ASSERT_EQ(e.log.size(), 1u);
    EXPECT_EQ(e.log[0].message, kCreated);
    // The owner's entry is untouched.
    EXPECT_EQ(StatusOf(owner.account_id, "01099990000"), held);
    // Nothing about the duplicate expires it.
    clock_.Advance(400 * kDay);
    EXPECT_EQ(StatusOf(other.account_id, "01099990000"), NumberStatus::kDuplicated);
    clock_.Set(test::FakeClock::kDefaultStart);
  }
}

TEST_P(NumbersServiceTest, PendingElsewhereHoldsNothing) {
  const Credentials first = NewAccount();
  const Credentials second = NewAccount();
  MustCreate(first.account_id, "01099990000");
  EXPECT_EQ(MustCreate(second.account_id, "01099990000").status, NumberStatus::kPending);
}

TEST_P(NumbersServiceTest, NonVerifiedStatusesElsewhereHoldNothing) {
  for (NumberStatus s : {NumberStatus::kExpired, NumberStatus::kDuplicated}) {
    const Credentials first = NewAccount();
    const Credentials second = NewAccount();
    MustCreate(first.account_id, "01099990000");
    Force(first.account_id, "01099990000", s, std::nullopt, VerificationMethod::kNone);
    EXPECT_EQ(MustCreate(second.account_id, "01099990000").status, NumberStatus::kPending)
        << ToString(s);
  }
}

TEST_P(NumbersServiceTest, LapsedVerificationElsewhereHoldsNothing) {
  const Credentials owner = NewAccount();
  const Credentials other = NewAccount();
  MustCreate(owner.account_id, "01099990000");
  // ACTIVE, but its expire_at is now: lapsed, though no sweeper has marked it EXPIRED yet.
  Force(owner.account_id, "01099990000", NumberStatus::kActive, clock_.Now());
  EXPECT_EQ(MustCreate(other.account_id, "01099990000").status, NumberStatus::kPending);
}

TEST_P(NumbersServiceTest, VerificationElsewhereOneMsBeforeLapsingStillHolds) {
  const Credentials owner = NewAccount();
  const Credentials other = NewAccount();
  MustCreate(owner.account_id, "01099990000");
  Force(owner.account_id, "01099990000", NumberStatus::kActive, clock_.Now() + 1);
  EXPECT_EQ(MustCreate(other.account_id, "01099990000").status, NumberStatus::kDuplicated);
}

// ---------------------------------------------------------------------------------------------
// UpdateStatus

TEST_P(NumbersServiceTest, UpdateStatusNeedsAVerifiedNumber) {
  const Credentials a = NewAccount();
  MustCreate(a.account_id, "01012345678");
  for (NumberStatus target : {NumberStatus::kActive, NumberStatus::kInactive}) {
    Result<AccountDoc> r = Numbers().UpdateStatus(a.account_id, "01012345678", target);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kFailedToUpdate);
    EXPECT_EQ(r.error().message, "등록된 발신번호의 상태가 'ACTIVE', 'INACTIVE'가 아닙니다.");
  }
  for (NumberStatus s : {NumberStatus::kDuplicated, NumberStatus::kExpired}) {
    Force(a.account_id, "01012345678", s, std::nullopt, VerificationMethod::kNone);
    EXPECT_EQ(CodeOf(Numbers().UpdateStatus(a.account_id, "01012345678", NumberStatus::kActive)),
              ErrorCode::kFailedToUpdate)
        << ToString(s);
  }
  ASSERT_TRUE(Find(a.account_id, "01012345678").has_value());
  EXPECT_EQ(Find(a.account_id, "01012345678")->log.size(), 1u);
}

TEST_P(NumbersServiceTest, UpdateStatusSwitchesAndLogs) {
  const Credentials a = NewAccount();
  MustCreate(a.account_id, "01012345678");
  ForceActive(a.account_id, "01012345678");

  clock_.Advance(kMinute);
  const TimeMs t1 = clock_.Now();
  Result<AccountDoc> r = Numbers().UpdateStatus(a.account_id, "010-1234-5678",
                                                NumberStatus::kInactive);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->sender_ids.size(), 1u);
  const SenderId& e = r->sender_ids[0];
  EXPECT_EQ(e.status, NumberStatus::kInactive);
  EXPECT_EQ(e.method, VerificationMethod::kArs) << "the method is kept";
  ASSERT_EQ(e.log.size(), 2u);
  EXPECT_EQ(e.log[1].message, "발신번호 상태를 'INACTIVE'로 변경하였습니다.");
  EXPECT_EQ(e.log[1].create_at, t1);
  EXPECT_EQ(e.date_updated, t1);
  EXPECT_EQ(r->account.date_updated, t1);

  clock_.Advance(kMinute);
  r = Numbers().UpdateStatus(a.account_id, "01012345678", NumberStatus::kActive);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->sender_ids[0].log.size(), 3u);
  EXPECT_EQ(r->sender_ids[0].log[2].message, "발신번호 상태를 'ACTIVE'로 변경하였습니다.");
  EXPECT_EQ(r->sender_ids[0].status, NumberStatus::kActive);
}

TEST_P(NumbersServiceTest, UpdateToTheSameStatusChangesNothing) {
  const Credentials a = NewAccount();
  MustCreate(a.account_id, "01012345678");
  ForceActive(a.account_id, "01012345678");
  const AccountDoc before = MustGet(a.account_id);
  clock_.Advance(kMinute);
  Result<AccountDoc> r = Numbers().UpdateStatus(a.account_id, "01012345678", NumberStatus::kActive);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->sender_ids[0].status, NumberStatus::kActive);
  EXPECT_EQ(r->sender_ids[0].log.size(), 1u) << "same status: no log line";
  EXPECT_EQ(r->sender_ids[0].date_updated, before.sender_ids[0].date_updated);
  EXPECT_EQ(r->account.date_updated, before.account.date_updated);
}

TEST_P(NumbersServiceTest, UpdateStatusOfUnknownOrForeignNumberIsInvalidSenderId) {
  const Credentials a = NewAccount();
  const Credentials b = NewAccount();
  MustCreate(b.account_id, "01012345678");
  ForceActive(b.account_id, "01012345678");
  for (std::string_view n : {"01012345678", "01000000000", "not-a-number", ""}) {
    Result<AccountDoc> r = Numbers().UpdateStatus(a.account_id, n, NumberStatus::kInactive);
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidSenderId) << "'" << n << "'";
    EXPECT_EQ(r.error().message, "등록된 발신번호 정보를 찾을 수 없습니다.");
  }
  EXPECT_EQ(StatusOf(b.account_id, "01012345678"), NumberStatus::kActive);
}

// ---------------------------------------------------------------------------------------------
// Status-change bound (SPEC §4 "Bounds": 20 changes per number per rolling 24 h)

TEST_P(NumbersServiceTest, TwentyStatusChangesPerNumberPerDayThenTooManyRequests) {
  const Credentials a = NewAccount();
  MustCreate(a.account_id, "01012345678");
  ForceActive(a.account_id, "01012345678");
  const TimeMs t0 = clock_.Now();
  NumberStatus next = NumberStatus::kInactive;
  for (int i = 0; i < 20; ++i) {
    Result<AccountDoc> r = Numbers().UpdateStatus(a.account_id, "01012345678", next);
    ASSERT_TRUE(r.ok()) << "change " << i + 1 << ": " << r.error().message;
    EXPECT_EQ(r->sender_ids[0].status, next);
    next = next == NumberStatus::kInactive ? NumberStatus::kActive : NumberStatus::kInactive;
    clock_.Advance(kMinute);
  }
  // 20 changes at t0, t0+1min, …, t0+19min; now is t0+20min.
  Result<AccountDoc> r = Numbers().UpdateStatus(a.account_id, "01012345678", next);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTooManyRequests);
  EXPECT_EQ(r.error().message, "발신번호 상태 변경 횟수를 초과하였습니다. 잠시 후 다시 시도해 주세요.");
  ASSERT_TRUE(r.error().retry_after_seconds.has_value());
  EXPECT_EQ(*r.error().retry_after_seconds, (24 * kHour - 20 * kMinute) / kSecond)
      << "until the oldest of the 20 leaves the rolling day";

  // The refusal changed nothing: no log line, no event, status as it was.
  const SenderId e = MustEntry(a.account_id, "01012345678");
  EXPECT_EQ(e.status, NumberStatus::kActive);
  EXPECT_EQ(e.log.size(), 21u);
  EXPECT_EQ(EventsOf(a.account_id, EventType::kSenderIdStatusChanged).size(), 20u);

  // One millisecond before the first change leaves the window: still refused, Retry-After ≥ 1.
  clock_.Set(t0 + 24 * kHour - 1);
  r = Numbers().UpdateStatus(a.account_id, "01012345678", next);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTooManyRequests);
  EXPECT_EQ(r.error().retry_after_seconds, 1);

  // Rolling: 24 h after the first change one more is allowed, and then none until the second
  // leaves the window.
  clock_.Set(t0 + 24 * kHour);
  r = Numbers().UpdateStatus(a.account_id, "01012345678", next);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->sender_ids[0].status, next);
  next = next == NumberStatus::kInactive ? NumberStatus::kActive : NumberStatus::kInactive;
  r = Numbers().UpdateStatus(a.account_id, "01012345678", next);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTooManyRequests);
  EXPECT_EQ(r.error().retry_after_seconds, kMinute / kSecond);
}

TEST_P(NumbersServiceTest, SameStatusUpdateIsNoChangeAndNeverRefusedByTheBound) {
  const Credentials a = NewAccount();
  MustCreate(a.account_id, "01012345678");
  ForceActive(a.account_id, "01012345678");
  // Same-status updates cost nothing: 30 of them, then 20 real changes still go through.
  for (int i = 0; i < 30; ++i)
    ASSERT_TRUE(Numbers().UpdateStatus(a.account_id, "01012345678", NumberStatus::kActive).ok());
  EXPECT_TRUE(EventsOf(a.account_id, EventType::kSenderIdStatusChanged).empty());
  NumberStatus next = NumberStatus::kInactive;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(Numbers().UpdateStatus(a.account_id, "01012345678", next).ok()) << i;
    next = next == NumberStatus::kInactive ? NumberStatus::kActive : NumberStatus::kInactive;
  }
  // At the bound, asking for the status it already has is still a 200 without a change.
  const NumberStatus now_status = next == NumberStatus::kInactive ? NumberStatus::kActive
                                                                  : NumberStatus::kInactive;
  Result<AccountDoc> same = Numbers().UpdateStatus(a.account_id, "01012345678", now_status);
  ASSERT_TRUE(same.ok()) << same.error().message;
  EXPECT_EQ(same->sender_ids[0].status, now_status);
  EXPECT_EQ(test::CodeOf(Numbers().UpdateStatus(a.account_id, "01012345678", next)),
            ErrorCode::kTooManyRequests);
}

TEST_P(NumbersServiceTest, StatusChangeBoundIsPerNumber) {
  const Credentials a = NewAccount();
  const Credentials b = NewAccount();
  for (const std::string& account : {a.account_id, b.account_id}) {
    MustCreate(account, "01012345678");
    ForceActive(account, "01012345678");
  }
  MustCreate(a.account_id, "01087654321");
  ForceActive(a.account_id, "01087654321");
  NumberStatus next = NumberStatus::kInactive;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(Numbers().UpdateStatus(a.account_id, "01012345678", next).ok()) << i;
    next = next == NumberStatus::kInactive ? NumberStatus::kActive : NumberStatus::kInactive;
  }
  EXPECT_EQ(CodeOf(Numbers().UpdateStatus(a.account_id, "01012345678", next)),
            ErrorCode::kTooManyRequests);
  // Another number of the same account, and the same number in another account, are unaffected.
  EXPECT_TRUE(Numbers().UpdateStatus(a.account_id, "01087654321", NumberStatus::kInactive).ok());
  EXPECT_TRUE(Numbers().UpdateStatus(b.account_id, "01012345678", NumberStatus::kInactive).ok());
}

TEST_P(NumbersServiceTest, StatusChangeBoundIsConfigurable) {
  const Credentials a = NewAccount();
  MustCreate(a.account_id, "01012345678");
  ForceActive(a.account_id, "01012345678");
  NumbersOptions options;
  options.status_changes_per_window = 2;
  options.status_change_window = kHour;
  const TimeMs t0 = clock_.Now();
  ASSERT_TRUE(
      Numbers(options).UpdateStatus(a.account_id, "01012345678", NumberStatus::kInactive).ok());
  clock_.Advance(10 * kMinute);
  ASSERT_TRUE(
      Numbers(options).UpdateStatus(a.account_id, "01012345678", NumberStatus::kActive).ok());
  Result<AccountDoc> r =
      Numbers(options).UpdateStatus(a.account_id, "01012345678", NumberStatus::kInactive);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTooManyRequests);
  EXPECT_EQ(r.error().retry_after_seconds, 50 * kMinute / kSecond);
  clock_.Set(t0 + kHour);
  EXPECT_TRUE(
      Numbers(options).UpdateStatus(a.account_id, "01012345678", NumberStatus::kInactive).ok());
}

TEST_P(NumbersServiceTest, ConcurrentStatusChangesNeverExceedTheBound) {
  const Credentials a = NewAccount();
  MustCreate(a.account_id, "01012345678");
  ForceActive(a.account_id, "01012345678");
  NumbersService numbers = Numbers();
  std::atomic<int> ok{0}, limited{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&, i] {
      for (int j = 0; j < 8; ++j) {
        const NumberStatus s = (i + j) % 2 == 0 ? NumberStatus::kInactive : NumberStatus::kActive;
        Result<AccountDoc> r = numbers.UpdateStatus(a.account_id, "01012345678", s);
        if (r.ok())
          ++ok;
        else if (r.error().code == ErrorCode::kTooManyRequests)
          ++limited;
        else
          ++other;
      }
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(ok.load() + limited.load(), 48);
  EXPECT_LE(EventsOf(a.account_id, EventType::kSenderIdStatusChanged).size(), 20u);
  EXPECT_EQ(MustEntry(a.account_id, "01012345678").log.size(),
            1 + EventsOf(a.account_id, EventType::kSenderIdStatusChanged).size())
      << "one log line per recorded change";
}

// ---------------------------------------------------------------------------------------------
// Delete

TEST_P(NumbersServiceTest, DeleteActiveIsRefused) {
  const Credentials a = NewAccount();
  MustCreate(a.account_id, "01012345678");
  ForceActive(a.account_id, "01012345678");
  Result<AccountDoc> r = Numbers().Delete(a.account_id, "01012345678");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kFailedToDelete);
  EXPECT_EQ(r.error().message, "'ACTIVE'상태의 발신번호는 삭제가 불가능합니다.");
  EXPECT_TRUE(Find(a.account_id, "01012345678").has_value());
}

TEST_P(NumbersServiceTest, DeleteEveryOtherStatus) {
  const Credentials a = NewAccount();
  for (NumberStatus s : {NumberStatus::kPending, NumberStatus::kInactive, NumberStatus::kDuplicated,
                         NumberStatus::kExpired}) {
    MustCreate(a.account_id, "01012345678");
    if (s != NumberStatus::kPending) Force(a.account_id, "01012345678", s, std::nullopt);
    clock_.Advance(kSecond);
    Result<AccountDoc> r = Numbers().Delete(a.account_id, "010-1234-5678");
    ASSERT_TRUE(r.ok()) << ToString(s) << ": " << r.error().message;
    EXPECT_TRUE(r->sender_ids.empty()) << ToString(s);
    EXPECT_EQ(r->account.date_updated, clock_.Now());
    EXPECT_FALSE(Find(a.account_id, "01012345678").has_value());
  }
}

TEST_P(NumbersServiceTest, DeleteUnknownOrForeignIsInvalidSenderId) {
  const Credentials a = NewAccount();
  const Credentials b = NewAccount();
  MustCreate(b.account_id, "01012345678");
  EXPECT_EQ(CodeOf(Numbers().Delete(a.account_id, "01000000000")), ErrorCode::kInvalidSenderId);
  EXPECT_EQ(CodeOf(Numbers().Delete(a.account_id, "01012345678")), ErrorCode::kInvalidSenderId)
      << "another account's number does not exist for this one";
  EXPECT_TRUE(Find(b.account_id, "01012345678").has_value()) << "and it was not deleted";
}

TEST_P(NumbersServiceTest, DeleteKeepsTheOtherEntriesInOrder) {
  const Credentials a = NewAccount();
  for (std::string_view n : {"01011110001", "01011110002", "01011110003"}) {
    MustCreate(a.account_id, n);
    clock_.Advance(kSecond);
  }
  Result<AccountDoc> r = Numbers().Delete(a.account_id, "01011110002");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->sender_ids.size(), 2u);
  EXPECT_EQ(r->sender_ids[0].phone_number, "01011110001");
  EXPECT_EQ(r->sender_ids[1].phone_number, "01011110003");
  // A deleted number may be registered again, as a new entry with a fresh log.
  clock_.Advance(kSecond);
  const SenderId again = MustCreate(a.account_id, "01011110002");
  EXPECT_EQ(again.log.size(), 1u);
}

// ---------------------------------------------------------------------------------------------
// Expiry (SPEC §7)

TEST_P(NumbersServiceTest, PendingEntryExpiresWhenItsExpireAtIsReached) {
  const Credentials a = NewAccount();
  const SenderId created = MustCreate(a.account_id, "01012345678");
  ASSERT_TRUE(created.expire_at.has_value());
  const TimeMs expire_at = *created.expire_at;

  clock_.Set(expire_at - 1);
  EXPECT_EQ(StatusOf(a.account_id, "01012345678"), NumberStatus::kPending);

  clock_.Set(expire_at + 5 * kHour);  // noticed late: logged at the moment it lapsed
  std::optional<SenderId> e = Find(a.account_id, "01012345678");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->status, NumberStatus::kExpired);
  ASSERT_EQ(e->log.size(), 2u);
  EXPECT_EQ(e->log[1].message, kExpired);
  EXPECT_EQ(e->log[1].create_at, expire_at) << "createAt is the old expireAt";

  // Reading again does not log again.
  clock_.Advance(kDay);
  e = Find(a.account_id, "01012345678");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->status, NumberStatus::kExpired);
  EXPECT_EQ(e->log.size(), 2u);
}

TEST_P(NumbersServiceTest, EntryExpiresExactlyAtExpireAt) {
  const Credentials a = NewAccount();
  const SenderId created = MustCreate(a.account_id, "01012345678");
  clock_.Set(*created.expire_at);
  EXPECT_EQ(StatusOf(a.account_id, "01012345678"), NumberStatus::kExpired);
}

TEST_P(NumbersServiceTest, VerifiedEntryExpiresToo) {
  const Credentials a = NewAccount();
  MustCreate(a.account_id, "01011110001");
  MustCreate(a.account_id, "01011110002");
  const TimeMs lapse = clock_.Now() + 30 * kDay;
  Force(a.account_id, "01011110001", NumberStatus::kActive, lapse);
  Force(a.account_id, "01011110002", NumberStatus::kInactive, lapse);
  clock_.Set(lapse);
  const AccountDoc doc = MustGet(a.account_id);
  ASSERT_EQ(doc.sender_ids.size(), 2u);
  for (const SenderId& e : doc.sender_ids) {
    EXPECT_EQ(e.status, NumberStatus::kExpired) << e.phone_number;
    ASSERT_FALSE(e.log.empty());
    EXPECT_EQ(e.log.back().message, kExpired);
    EXPECT_EQ(e.log.back().create_at, lapse);
  }
  EXPECT_EQ(doc.account.date_updated, lapse) << "expiring is a change";
}

TEST_P(NumbersServiceTest, WritesApplyDueExpiriesFirst) {
  const Credentials a = NewAccount();
  MustCreate(a.account_id, "01011110001");
  Force(a.account_id, "01011110001", NumberStatus::kActive, clock_.Now() + kDay);
  clock_.Advance(kDay);
  // The number lapsed: it is no longer ACTIVE, so it may be deleted and may not be switched.
  EXPECT_EQ(CodeOf(Numbers().UpdateStatus(a.account_id, "01011110001", NumberStatus::kInactive)),
            ErrorCode::kFailedToUpdate);
  EXPECT_TRUE(Numbers().Delete(a.account_id, "01011110001").ok());
}

TEST_P(NumbersServiceTest, SweepExpiresEntriesOfSeveralAccounts) {
  const Credentials a = NewAccount();
  const Credentials b = NewAccount();
  const Credentials c = NewAccount();
  MustCreate(a.account_id, "01011110001");
  MustCreate(a.account_id, "01011110002");
  MustCreate(b.account_id, "01011110001");
  clock_.Advance(5 * kDay);
  MustCreate(c.account_id, "01011110003");  // due 5 days later than the others
  clock_.Advance(7 * kDay);                 // 12 days after the first three

  Result<int> swept = Numbers().SweepExpired();
  ASSERT_TRUE(swept.ok()) << swept.error().message;
  EXPECT_EQ(*swept, 2) << "accounts touched";

  // Checked straight in the store (a Get would expire them itself).
  Status s = store().Read([&](ReadTx& tx) -> Status {
    for (const std::string& id : {a.account_id, b.account_id}) {
      SID_ASSIGN_OR_RETURN(std::vector<SenderId> entries, tx.numbers().List(id));
      for (const SenderId& e : entries) {
        EXPECT_EQ(e.status, NumberStatus::kExpired) << id << " " << e.phone_number;
        EXPECT_EQ(e.log.size(), 2u);
        if (e.log.size() == 2) {
          EXPECT_EQ(e.log[1].message, kExpired);
          EXPECT_EQ(e.log[1].create_at, e.expire_at.value_or(-1));
        }
      }
    }
    SID_ASSIGN_OR_RETURN(std::vector<SenderId> later, tx.numbers().List(c.account_id));
    EXPECT_EQ(later.size(), 1u);
    if (!later.empty()) {
      EXPECT_EQ(later[0].status, NumberStatus::kPending);
    }
    return OkStatus();
  });
  ASSERT_TRUE(s.ok()) << s.error().message;

  swept = Numbers().SweepExpired();
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 0) << "nothing left to do";
  EXPECT_EQ(MustGet(a.account_id).sender_ids[0].log.size(), 2u) << "no second expiry line";
}

TEST_P(NumbersServiceTest, SweepCoversMoreAccountsThanOneBatch) {
  // The sweeper fetches due accounts in batches; every one of them must be expired.
  constexpr int kAccounts = 105;
  std::vector<std::string> ids;
  for (int i = 0; i < kAccounts; ++i) {
    ids.push_back(NewAccount().account_id);
    MustCreate(ids.back(), "01012345678");
  }
  clock_.Advance(12 * kDay);
  Result<int> swept = Numbers().SweepExpired();
  ASSERT_TRUE(swept.ok()) << swept.error().message;
  EXPECT_EQ(*swept, kAccounts);
  Status s = store().Read([&](ReadTx& tx) -> Status {
    SID_ASSIGN_OR_RETURN(std::vector<std::string> due,
                         tx.numbers().AccountsWithDueExpiries(clock_.Now(), 1000));
    EXPECT_TRUE(due.empty());
    return OkStatus();
  });
  ASSERT_TRUE(s.ok());
}

TEST_P(NumbersServiceTest, ActiveNumbersListsOnlyLiveActiveEntries) {
  const Credentials a = NewAccount(10);
  const Credentials b = NewAccount();
  const TimeMs t0 = clock_.Now();
  for (std::string_view n : {"01011110001", "01011110002", "01011110003", "01011110004",
                             "01011110005"}) {
    MustCreate(a.account_id, n);
    clock_.Advance(kSecond);
  }
  Force(a.account_id, "01011110001", NumberStatus::kActive, t0 + 10 * kDay);
  Force(a.account_id, "01011110002", NumberStatus::kActive, t0 + kDay);  // lapses first
  Force(a.account_id, "01011110003", NumberStatus::kInactive, t0 + 10 * kDay);
  Force(a.account_id, "01011110005", NumberStatus::kActive, t0 + 10 * kDay);
  MustCreate(b.account_id, "01099999999");
  ForceActive(b.account_id, "01099999999");

  Result<std::vector<std::string>> active = Numbers().ActiveNumbers(a.account_id);
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(*active, (std::vector<std::string>{"01011110001", "01011110002", "01011110005"}));

  clock_.Set(t0 + kDay);  // 01011110002 lapsed; no sweeper has run
  active = Numbers().ActiveNumbers(a.account_id);
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(*active, (std::vector<std::string>{"01011110001", "01011110005"}));
}

// ---------------------------------------------------------------------------------------------
// Paging (SPEC §8)

class NumbersPagingTest : public NumbersServiceTest {
 protected:
  void SetUp() override {
    NumbersServiceTest::SetUp();
    account_ = NewAccount(20).account_id;
    for (int i = 1; i <= 7; ++i) {
      const std::string n = "0101111000" + std::to_string(i);
      numbers_.push_back(n);
      keys_.push_back(MustCreate(account_, n).handle_key);
      clock_.Advance(kSecond);
    }
    Force(account_, numbers_[0], NumberStatus::kActive, clock_.Now() + 100 * kDay);
    Force(account_, numbers_[2], NumberStatus::kActive, clock_.Now() + 100 * kDay);
    Force(account_, numbers_[4], NumberStatus::kInactive, clock_.Now() + 100 * kDay);
    Force(account_, numbers_[5], NumberStatus::kActive, clock_.Now() + 100 * kDay);
  }

  static std::vector<std::string> PhoneNumbers(const AccountDoc& doc) {
    std::vector<std::string> out;
    for (const SenderId& e : doc.sender_ids) out.push_back(e.phone_number);
    return out;
  }

  std::string account_;
  std::vector<std::string> numbers_;
  std::vector<std::string> keys_;
};

SID_ON_EVERY_MEMORY_STORE(NumbersPagingTest);

TEST_P(NumbersPagingTest, WholeDocIsNotPaged) {
  const AccountDoc doc = MustGet(account_);
  EXPECT_FALSE(doc.paged);
  EXPECT_FALSE(doc.next_key.has_value());
  EXPECT_EQ(PhoneNumbers(doc), numbers_) << "ordered by dateCreated";
}

TEST_P(NumbersPagingTest, StatusFilter) {
  NumberPageQuery q;
  q.status = NumberStatus::kActive;
  AccountDoc doc = MustGet(account_, &q);
  EXPECT_TRUE(doc.paged);
  EXPECT_FALSE(doc.next_key.has_value()) << "one page: nextKey null";
  EXPECT_EQ(PhoneNumbers(doc), (std::vector<std::string>{numbers_[0], numbers_[2], numbers_[5]}));

  q.status = NumberStatus::kDuplicated;
  doc = MustGet(account_, &q);
  EXPECT_TRUE(doc.paged);
  EXPECT_TRUE(doc.sender_ids.empty());
  EXPECT_FALSE(doc.next_key.has_value());
}

TEST_P(NumbersPagingTest, PhoneNumberFilterAcceptsSeparators) {
  NumberPageQuery q;
  q.phone_number = "010-1111-0003";
  AccountDoc doc = MustGet(account_, &q);
  EXPECT_EQ(PhoneNumbers(doc), (std::vector<std::string>{numbers_[2]}));
  q.status = NumberStatus::kPending;  // both filters apply
  doc = MustGet(account_, &q);
  EXPECT_TRUE(doc.sender_ids.empty());
  q = NumberPageQuery{};
  q.phone_number = "01000000000";
  EXPECT_TRUE(MustGet(account_, &q).sender_ids.empty());
  q.phone_number = "abc";
  EXPECT_EQ(CodeOf(Numbers().Get(account_, &q)), ErrorCode::kValidationError);
}

TEST_P(NumbersPagingTest, LimitAndInclusiveStartKey) {
  NumberPageQuery q;
  q.limit = 3;
  AccountDoc doc = MustGet(account_, &q);
  EXPECT_EQ(PhoneNumbers(doc), (std::vector<std::string>{numbers_[0], numbers_[1], numbers_[2]}));
  ASSERT_TRUE(doc.next_key.has_value());
  EXPECT_EQ(*doc.next_key, keys_[3]) << "nextKey is the first item of the next page";

  q.start_key = doc.next_key;
  doc = MustGet(account_, &q);
  EXPECT_EQ(PhoneNumbers(doc), (std::vector<std::string>{numbers_[3], numbers_[4], numbers_[5]}));
  ASSERT_TRUE(doc.next_key.has_value());
  EXPECT_EQ(*doc.next_key, keys_[6]);

  q.start_key = doc.next_key;
  doc = MustGet(account_, &q);
  EXPECT_EQ(PhoneNumbers(doc), (std::vector<std::string>{numbers_[6]}));
  EXPECT_TRUE(doc.paged);
  EXPECT_FALSE(doc.next_key.has_value()) << "last page";
}

TEST_P(NumbersPagingTest, ExactlyFullLastPageHasNoNextKey) {
  NumberPageQuery q;
  q.limit = 7;
  const AccountDoc doc = MustGet(account_, &q);
  EXPECT_EQ(doc.sender_ids.size(), 7u);
  EXPECT_FALSE(doc.next_key.has_value());
}

TEST_P(NumbersPagingTest, WalkingAllPagesVisitsEveryEntryExactlyOnce) {
  for (int limit = 1; limit <= 8; ++limit) {
    for (std::optional<NumberStatus> status :
         {std::optional<NumberStatus>(), std::optional<NumberStatus>(NumberStatus::kActive),
          std::optional<NumberStatus>(NumberStatus::kPending)}) {
      NumberPageQuery q;
      q.limit = limit;
      q.status = status;
      std::vector<std::string> seen;
      for (int pages = 0; pages < 20; ++pages) {
        const AccountDoc doc = MustGet(account_, &q);
        ASSERT_LE(doc.sender_ids.size(), static_cast<size_t>(limit));
        for (const SenderId& e : doc.sender_ids) seen.push_back(e.handle_key);
        if (!doc.next_key) break;
        q.start_key = doc.next_key;
      }
      std::vector<std::string> want;
      const AccountDoc whole = MustGet(account_);
      for (const SenderId& e : whole.sender_ids)
        if (!status || e.status == *status) want.push_back(e.handle_key);
      EXPECT_EQ(seen, want) << "limit " << limit << " status "
                            << (status ? ToString(*status) : "any");
    }
  }
}

TEST_P(NumbersPagingTest, UnknownStartKeyIsValidationError) {
  NumberPageQuery q;
  q.start_key = "SED20260203153045AAAAAAAAAAAAAAA";
  EXPECT_EQ(CodeOf(Numbers().Get(account_, &q)), ErrorCode::kValidationError);
  // A key of this account that the status filter leaves out is not in the listing either.
  q.start_key = keys_[1];  // PENDING
  q.status = NumberStatus::kActive;
  EXPECT_EQ(CodeOf(Numbers().Get(account_, &q)), ErrorCode::kValidationError);
  // Another account's key.
  const Credentials other = NewAccount();
  const SenderId foreign = MustCreate(other.account_id, "01099999999");
  q = NumberPageQuery{};
  q.start_key = foreign.handle_key;
  EXPECT_EQ(CodeOf(Numbers().Get(account_, &q)), ErrorCode::kValidationError);
}

// ---------------------------------------------------------------------------------------------
// Isolation and dateUpdated

TEST_P(NumbersServiceTest, AccountsSeeOnlyTheirOwnEntries) {
  const Credentials a = NewAccount();
  const Credentials b = NewAccount();
  MustCreate(a.account_id, "01011110001");
  MustCreate(b.account_id, "01011110002");
  EXPECT_EQ(MustGet(a.account_id).sender_ids.size(), 1u);
  EXPECT_EQ(MustGet(a.account_id).sender_ids[0].phone_number, "01011110001");
  EXPECT_EQ(MustGet(b.account_id).sender_ids[0].phone_number, "01011110002");
}

TEST_P(NumbersServiceTest, DocDateUpdatedMovesOnEveryChange) {
  const Credentials a = NewAccount();
  const TimeMs t0 = clock_.Now();
  EXPECT_EQ(MustGet(a.account_id).account.date_created, t0);
  EXPECT_EQ(MustGet(a.account_id).account.date_updated, t0);

  clock_.Advance(kMinute);
  MustCreate(a.account_id, "01011110001");
  EXPECT_EQ(MustGet(a.account_id).account.date_updated, clock_.Now()) << "create";

  clock_.Advance(kMinute);
  MustCreate(a.account_id, "01011110002");
  EXPECT_EQ(MustGet(a.account_id).account.date_updated, clock_.Now()) << "second create";

  ForceActive(a.account_id, "01011110001");
  clock_.Advance(kMinute);
  ASSERT_TRUE(Numbers().UpdateStatus(a.account_id, "01011110001", NumberStatus::kInactive).ok());
  EXPECT_EQ(MustGet(a.account_id).account.date_updated, clock_.Now()) << "status change";

  clock_.Advance(kMinute);
  ASSERT_TRUE(Numbers().Delete(a.account_id, "01011110002").ok());
  EXPECT_EQ(MustGet(a.account_id).account.date_updated, clock_.Now()) << "delete";

  const TimeMs before_reads = clock_.Now();
  clock_.Advance(kMinute);
  EXPECT_EQ(MustGet(a.account_id).account.date_updated, before_reads) << "a read is no change";
  EXPECT_EQ(MustGet(a.account_id).account.date_created, t0);
}

}  // namespace
}  // namespace senderid
