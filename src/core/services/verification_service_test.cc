// Tests for VerificationService: ARS verification (SPEC §5) and what the voice provider's outcome
// means for it (§5.1), on the in-memory store with a FakeClock and a FakeVoiceCaller that hands the
// test the code it was asked to read out. Every test runs on a plain and on a force-retry store
// (every Write runs its fn twice, only the second run counts).

#include "core/services/verification_service.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "core/catalogue.h"
#include "core/events.h"
#include "core/time.h"
#include "tests/unit/core_testing.h"

namespace senderid {
namespace {

using test::CodeOf;
using test::MfaStep1;
using test::MfaStep2;

const std::string kNumber = "01012345678";
const std::string kOtherNumber = "01087654321";
constexpr std::string_view kVerifiedLine = "인증수단 'ARS'로 발신번호 인증이 완료되었습니다.";
constexpr std::string_view kTurnedDuplicatedLine =
    "다른 계정에서 인증이 완료되어 중복 상태로 변경되었습니다.";
constexpr std::string_view kExpiredLine = "발신번호 인증 기간이 만료되었습니다.";

// What the call speaks, built here independently of the catalogue: the digits one by one.
std::string Spoken(const std::string& code) {
  std::string out = "인증번호는";
  for (char c : code) out += std::string(" ") + c;
  return out + " 입니다.";
}

// A different code of the same length.
std::string Wrong(const std::string& code) {
  std::string w = code;
  w[0] = w[0] == '9' ? '0' : static_cast<char>(w[0] + 1);
  return w;
}

bool IsLowerHex32(const std::string& s) { return std::regex_match(s, std::regex("[0-9a-f]{32}")); }

class VerificationTest : public test::MemoryRegistryTest {
 protected:
  void SetUp() override {
    account_ = NewAccount(20).account_id;
    MustCreate(account_, kNumber);
  }

  Result<VerificationOutcome> Step1(const std::string& account, const std::string& number,
                                    const VerificationOptions& options = {}) {
    return Verification(options).Authenticate(account, number, MfaStep1(number));
  }
  Result<VerificationOutcome> Step2(const std::string& account, const std::string& number,
                                    const std::string& transaction_id, const std::string& token,
                                    const VerificationOptions& options = {}) {
    return Verification(options).Authenticate(account, number,
                                              MfaStep2(number, transaction_id, token));
  }

  // Step 1 that must place a call; returns the transaction id (empty on failure).
  std::string Call(const std::string& account, const std::string& number,
                   const VerificationOptions& options = {}) {
    return MustRequestCall(account, number, options).details.transaction_id;
  }
  std::string CodeFor(const std::string& transaction_id) {
    std::optional<std::string> code = voice_.CodeOf(transaction_id);
    if (!code) {
      ADD_FAILURE() << "no call for transaction " << transaction_id;
      return "000000";
    }
    return *code;
  }

  // The error of a step-1 answer that must be refused.
  static std::optional<ErrorCode> Refusal(const Result<VerificationOutcome>& r) {
    if (r.ok()) return std::nullopt;
    return r.error().code;
  }

  // Step 1 refused by a call limit: its Retry-After in seconds (a test failure otherwise).
  int64_t RetryAfterOfRefusedCall(const std::string& account, const std::string& number,
                                  const VerificationOptions& options = {}) {
    const size_t calls = voice_.call_count();
    Result<VerificationOutcome> r = Step1(account, number, options);
    EXPECT_EQ(voice_.call_count(), calls) << "a refused step 1 places no call";
    if (r.ok()) {
      ADD_FAILURE() << "step 1 for " << number << " was not refused";
      return -1;
    }
    EXPECT_EQ(r.error().code, ErrorCode::kTooManyVerificationCalls) << r.error().message;
    EXPECT_EQ(r.error().message, text::message::kTooManyVerificationCalls);
    if (!r.error().retry_after_seconds) {
      ADD_FAILURE() << "no Retry-After";
      return -1;
    }
    return *r.error().retry_after_seconds;
  }

  // Calls placed (rows counting against the caps) of the account to the number since `since`.
  size_t CountedCalls(const std::string& account, const std::string& number, TimeMs since) {
    return Query<std::vector<TimeMs>>([&](ReadTx& tx) {
             return tx.verifications().CallTimes(account, number, since);
           })
        .size();
  }

  std::string account_;
};

SID_ON_EVERY_MEMORY_STORE(VerificationTest);

// ---------------------------------------------------------------------------------------------
// Step 1: the challenge and the call

TEST_P(VerificationTest, NoHeaderIsAChallengeNamingTheAuthTypesAndPlacesNoCall) {
  Result<VerificationOutcome> r = Verification().Authenticate(account_, kNumber, std::nullopt);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_TRUE(std::holds_alternative<MfaChallenge>(*r));
  const MfaChallenge& c = std::get<MfaChallenge>(*r);
  EXPECT_EQ(c.message, text::message::kMfaRequired);
  EXPECT_EQ(c.details.auth_types, std::vector<std::string>{"ARS"});
  EXPECT_TRUE(c.details.transaction_id.empty());
  EXPECT_FALSE(c.details.expires_at.has_value());
  EXPECT_FALSE(c.details.attempts_left.has_value());
  EXPECT_EQ(voice_.call_count(), 0u);
  EXPECT_EQ(CountedCalls(account_, kNumber, 0), 0u) << "nothing reserved";
  EXPECT_EQ(MustEntry(account_, kNumber).status, NumberStatus::kPending);
  // It spent no call allowance: step 1 goes through at once.
  EXPECT_FALSE(Call(account_, kNumber).empty());
}

TEST_P(VerificationTest, Step1PlacesACallWithASixDigitCodeAndAnswersTheChallenge) {
  const TimeMs now = clock_.Now();
  Result<VerificationOutcome> r = Step1(account_, kNumber);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_TRUE(std::holds_alternative<MfaChallenge>(*r)) << "step 1 answers a challenge";
  const MfaChallenge& c = std::get<MfaChallenge>(*r);
  EXPECT_EQ(c.message, text::message::kMfaCallPlaced);
  EXPECT_EQ(c.message.rfind("음성 전화로 인증번호를 안내했습니다", 0), 0u) << c.message;
  EXPECT_TRUE(c.details.auth_types.empty());
  EXPECT_EQ(c.details.auth_type, "ARS");
  EXPECT_TRUE(IsLowerHex32(c.details.transaction_id)) << c.details.transaction_id;
  EXPECT_EQ(c.details.expires_at, now + 5 * kMinute);
  EXPECT_EQ(c.details.attempts_left, 5);
  EXPECT_EQ(c.details.resend_after, now + 60 * kSecond);

  ASSERT_EQ(voice_.call_count(), 1u);
  const VoiceCall call = voice_.last();
  EXPECT_EQ(call.to, kNumber);
  EXPECT_EQ(call.transaction_id, c.details.transaction_id);
  EXPECT_TRUE(std::regex_match(call.token, std::regex("[0-9]{6}"))) << call.token;
  EXPECT_EQ(call.message, Spoken(call.token));
  EXPECT_EQ(call.created_at, now);

  // Stored: an open transaction bound to account and entry, holding a keyed hash only.
  const std::optional<MfaTransaction> t = TransactionOf(c.details.transaction_id);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->state, MfaState::kOpen);
  EXPECT_EQ(t->account_id, account_);
  EXPECT_EQ(t->handle_key, MustEntry(account_, kNumber).handle_key);
  EXPECT_EQ(t->phone_number, kNumber);
  EXPECT_EQ(t->attempts_used, 0);
  EXPECT_EQ(t->created_at, now);
  EXPECT_EQ(t->expires_at, now + 5 * kMinute);
  EXPECT_FALSE(t->code_hash.empty());
  EXPECT_EQ(t->code_hash.find(call.token), std::string::npos) << "the code is never stored";
  // No state change of the number, no event.
  EXPECT_EQ(MustEntry(account_, kNumber).status, NumberStatus::kPending);
  EXPECT_EQ(EventTypes(account_), std::vector<EventType>{EventType::kSenderIdCreated});
}

TEST_P(VerificationTest, CodeLengthIsConfigurable) {
  for (int length : {4, 6, 8}) {
    SCOPED_TRACE(length);
    VerificationOptions options;
    options.code_length = length;
    const std::string number = "0101111000" + std::to_string(length);
    MustCreate(account_, number);
    const std::string tid = Call(account_, number, options);
    const std::string code = CodeFor(tid);
    EXPECT_EQ(code.size(), static_cast<size_t>(length));
    EXPECT_TRUE(std::all_of(code.begin(), code.end(), [](char ch) {
      return ch >= '0' && ch <= '9';
    })) << code;
    EXPECT_EQ(voice_.last().message, Spoken(code));
    Result<VerificationOutcome> r = Step2(account_, number, tid, code, options);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(std::holds_alternative<AccountDoc>(*r));
  }
}

TEST_P(VerificationTest, EveryCallHasItsOwnTransactionAndCode) {
  std::set<std::string> transactions;
  std::set<std::string> codes;
  for (int i = 0; i < 5; ++i) {
    const std::string tid = Call(account_, kNumber);
    transactions.insert(tid);
    codes.insert(CodeFor(tid));
    clock_.Advance(60 * kSecond);
  }
  EXPECT_EQ(transactions.size(), 5u);
  EXPECT_GE(codes.size(), 4u) << "codes come from the CSPRNG";
}

TEST_P(VerificationTest, SeparatorsInThePathAndInExtrasAreStripped) {
  Result<VerificationOutcome> r =
      Verification().Authenticate(account_, "010-1234-5678", MfaStep1("(010) 1234 5678"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const MfaChallenge c = std::get<MfaChallenge>(*r);
  EXPECT_EQ(voice_.last().to, kNumber);
  Result<VerificationOutcome> v = Verification().Authenticate(
      account_, "010 1234 5678",
      MfaStep2("010-1234-5678", c.details.transaction_id, CodeFor(c.details.transaction_id)));
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(MustEntry(account_, kNumber).status, NumberStatus::kActive);
}

// ---------------------------------------------------------------------------------------------
// Order of checks: number → header → call limits (step 1); number → header → transaction → code
// (step 2)

TEST_P(VerificationTest, TheNumberIsCheckedFirstInBothSteps) {
  const Credentials other = NewAccount();
  MustCreate(other.account_id, "01099990000");
  struct Case {
    std::string number;
    std::optional<NumberStatus> force;  // nullopt: leave as registered (or unknown)
    ErrorCode want;
    std::string_view message;
  };
  const std::vector<Case> cases = {
      {"01011110001", NumberStatus::kActive, ErrorCode::kAlreadyApproved, "이미 승인된 상태입니다."},
      {"01011110002", NumberStatus::kInactive, ErrorCode::kAlreadyApproved,
       "이미 승인된 상태입니다."},
      {"01011110003", NumberStatus::kDuplicated, ErrorCode::kDuplicatedSenderId,
       text::message::kDuplicatedSenderId},
      {"01000000000", std::nullopt, ErrorCode::kInvalidSenderId,
       "등록된 발신번호 정보를 찾을 수 없습니다."},
      {"01099990000", std::nullopt, ErrorCode::kInvalidSenderId,  // another account's number
       "등록된 발신번호 정보를 찾을 수 없습니다."},
      {"not-a-number", std::nullopt, ErrorCode::kInvalidSenderId,
       "등록된 발신번호 정보를 찾을 수 없습니다."},
  };
  for (const Case& c : cases) {
    if (c.force) {
      MustCreate(account_, c.number);
      ForceStatus(account_, c.number, *c.force,
                  *c.force == NumberStatus::kDuplicated
                      ? std::nullopt
                      : std::optional<TimeMs>(clock_.Now() + kDay));
    }
  }
  const std::optional<Result<MfaData>> malformed =
      Result<MfaData>(Error(ErrorCode::kInvalidMFAData, "x-mfa-data: not JSON"));
  for (const Case& c : cases) {
    SCOPED_TRACE(c.number);
    std::optional<Result<MfaData>> mismatched = MfaStep1(kOtherNumber);
    const std::vector<std::optional<Result<MfaData>>> headers = {
        std::nullopt,                          // no header at all
        malformed,                             // undecodable header
        mismatched,                            // extras for another number
        MfaStep1(c.number),                    // good step 1
        MfaStep2(c.number, std::string(32, 'a'), "12345a"),  // step 2, bad token
        MfaStep2(c.number, std::string(32, 'a'), "123456"),  // step 2, unknown transaction
    };
    for (const std::optional<Result<MfaData>>& h : headers) {
      Result<VerificationOutcome> r = Verification().Authenticate(account_, c.number, h);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().code, c.want);
      EXPECT_EQ(r.error().message, c.message);
    }
  }
  EXPECT_EQ(voice_.call_count(), 0u);
}

TEST_P(VerificationTest, RealDuplicateRefusesBothSteps) {
  const Credentials holder = NewAccount();
  MustCreate(holder.account_id, kOtherNumber);
  MustVerifyByArs(holder.account_id, kOtherNumber);
  clock_.Advance(kMinute);
  EXPECT_EQ(MustCreate(account_, kOtherNumber).status, NumberStatus::kDuplicated);
  const size_t calls = voice_.call_count();
  EXPECT_EQ(Refusal(Step1(account_, kOtherNumber)), ErrorCode::kDuplicatedSenderId);
  EXPECT_EQ(Refusal(Step2(account_, kOtherNumber, std::string(32, 'b'), "123456")),
            ErrorCode::kDuplicatedSenderId);
  EXPECT_EQ(voice_.call_count(), calls);
}

TEST_P(VerificationTest, HeaderProblemsAreInvalidMFAData) {
  const std::string tid = Call(account_, kNumber);
  const std::string code = CodeFor(tid);
  auto with = [&](auto edit) {
    MfaData d;
    d.auth_type = "ARS";
    d.phone_number = kNumber;
    edit(d);
    return std::optional<Result<MfaData>>(Result<MfaData>(d));
  };
  // `names`: the message names what is wrong (the texts of core/catalogue.h).
  struct Case {
    std::string_view why;
    std::optional<Result<MfaData>> header;
    std::string_view names;
  };
  using namespace text::invalid;
  const std::vector<Case> cases = {
      {"decoder refused it", Result<MfaData>(Error(ErrorCode::kInvalidMFAData, "x-mfa-data: bad")),
       "x-mfa-data: bad"},
      {"authType SMS", with([](MfaData& d) { d.auth_type = "SMS"; }), kMfaAuthType},
      {"authType empty", with([](MfaData& d) { d.auth_type = ""; }), kMfaAuthType},
      {"extras.phoneNumber missing", with([](MfaData& d) { d.phone_number.reset(); }),
       kMfaPhoneRequired},
      {"extras.phoneNumber another number",
       with([](MfaData& d) { d.phone_number = "01099999999"; }), kMfaPhoneMismatch},
      {"extras.phoneNumber not digits", with([](MfaData& d) { d.phone_number = "abc"; }),
       kMfaPhoneMismatch},
      {"transactionId without token", with([&](MfaData& d) { d.transaction_id = tid; }), kMfaPair},
      {"token without transactionId", with([&](MfaData& d) { d.token = code; }), kMfaPair},
      {"token with a letter", with([&](MfaData& d) {
         d.transaction_id = tid;
         d.token = code.substr(0, 5) + "a";
       }),
       kMfaTokenDigits},
      {"token empty", with([&](MfaData& d) {
         d.transaction_id = tid;
         d.token = "";
       }),
       kMfaTokenDigits},
      {"token with a space", with([&](MfaData& d) {
         d.transaction_id = tid;
         d.token = " " + code;
       }),
       kMfaTokenDigits},
      {"token with a sign", with([&](MfaData& d) {
         d.transaction_id = tid;
         d.token = "-" + code.substr(1);
       }),
       kMfaTokenDigits},
      {"token of full-width digits", with([&](MfaData& d) {
         d.transaction_id = tid;
         d.token = "１２３４５６";
       }),
       kMfaTokenDigits},
  };
  for (const Case& c : cases) {
    Result<VerificationOutcome> r = Verification().Authenticate(account_, kNumber, c.header);
    ASSERT_FALSE(r.ok()) << c.why;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidMFAData) << c.why;
    EXPECT_EQ(r.error().message, c.names) << c.why;
  }
  // The decoder's own error is passed on as it is.
  Result<VerificationOutcome> r = Verification().Authenticate(account_, kNumber, cases[0].header);
  EXPECT_EQ(r.error().message, "x-mfa-data: bad");
  EXPECT_EQ(voice_.call_count(), 1u) << "no call for a bad header";
  // None of them spent an attempt of the open transaction: the right code still works.
  const std::optional<MfaTransaction> t = TransactionOf(tid);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->attempts_used, 0);
  Result<VerificationOutcome> v = Step2(account_, kNumber, tid, code);
  ASSERT_TRUE(v.ok()) << v.error().message;
}

TEST_P(VerificationTest, HeaderIsCheckedBeforeTheCallLimits) {
  ASSERT_FALSE(Call(account_, kNumber).empty());
  // Within the 60 s spacing: a good step 1 is refused by the limit, a bad header by itself.
  EXPECT_EQ(Refusal(Step1(account_, kNumber)), ErrorCode::kTooManyVerificationCalls);
  EXPECT_EQ(Refusal(Verification().Authenticate(account_, kNumber, MfaStep1(kOtherNumber))),
            ErrorCode::kInvalidMFAData);
  EXPECT_EQ(Refusal(Verification().Authenticate(
                account_, kNumber,
                Result<MfaData>(Error(ErrorCode::kInvalidMFAData, "x-mfa-data: bad")))),
            ErrorCode::kInvalidMFAData);
}

TEST_P(VerificationTest, HeaderIsCheckedBeforeTheTransaction) {
  // An unknown transaction with a bad token: the header is what is wrong first.
  EXPECT_EQ(Refusal(Step2(account_, kNumber, std::string(32, 'c'), "12x456")),
            ErrorCode::kInvalidMFAData);
  // A transaction that is dead (5 wrong codes) with a bad token: still the header first.
  const std::string tid = Call(account_, kNumber);
  const std::string code = CodeFor(tid);
  for (int i = 0; i < 5; ++i) (void)Step2(account_, kNumber, tid, Wrong(code));
  EXPECT_EQ(Refusal(Step2(account_, kNumber, tid, "abc")), ErrorCode::kInvalidMFAData);
  EXPECT_EQ(Refusal(Step2(account_, kNumber, tid, code)), ErrorCode::kMFAAttemptsExceeded);
}

// ---------------------------------------------------------------------------------------------
// Step 2

TEST_P(VerificationTest, RightCodeVerifiesForSixCalendarMonths) {
  struct Case {
    TimeMs at;
    TimeMs expire_at;
  };
  const std::vector<Case> cases = {
      {test::Utc(2026, 2, 3, 6, 30, 45, 324), test::Utc(2026, 8, 3, 6, 30, 45, 324)},
      {test::Utc(2026, 8, 31, 23, 59, 59, 999), test::Utc(2027, 2, 28, 23, 59, 59, 999)},
      {test::Utc(2027, 8, 31, 12, 0, 0), test::Utc(2028, 2, 29, 12, 0, 0)},  // leap year
      {test::Utc(2026, 12, 31, 0, 0, 0), test::Utc(2027, 6, 30, 0, 0, 0)},
  };
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(FormatIsoMillis(c.at));
    clock_.Set(c.at);
    const std::string number = "0102222000" + std::to_string(n++);
    MustCreate(account_, number);
    const std::string tid = Call(account_, number);
    Result<VerificationOutcome> r = Step2(account_, number, tid, CodeFor(tid));
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(std::holds_alternative<AccountDoc>(*r)) << "step 2 answers the Doc";
    const AccountDoc& doc = std::get<AccountDoc>(*r);
    EXPECT_EQ(doc.account.account_id, account_);
    EXPECT_EQ(doc.account.date_updated, c.at);
    const auto e = std::find_if(doc.sender_ids.begin(), doc.sender_ids.end(),
                                [&](const SenderId& s) { return s.phone_number == number; });
    ASSERT_NE(e, doc.sender_ids.end());
    EXPECT_EQ(e->status, NumberStatus::kActive);
    EXPECT_EQ(e->method, VerificationMethod::kArs);
    EXPECT_EQ(e->expire_at, c.expire_at);
    ASSERT_EQ(e->log.size(), 2u);
    EXPECT_EQ(e->log[1].message, kVerifiedLine);
    EXPECT_EQ(e->log[1].create_at, c.at);
    EXPECT_EQ(e->date_updated, c.at);
    EXPECT_EQ(TransactionOf(tid)->state, MfaState::kConsumed);
  }
  clock_.Set(cases.back().at);
  Result<std::vector<std::string>> active = Numbers().ActiveNumbers(account_);
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(active->size(), 2u) << "the two verifications still running at the last moment";
}

TEST_P(VerificationTest, VerifiedLifetimeIsConfigurable) {
  RegistryOptions options;
  options.verified_lifetime_months = 12;
  SetRegistryOptions(options);
  clock_.Set(test::Utc(2028, 2, 29, 8, 0, 0));
  const std::string tid = Call(account_, kNumber);
  ASSERT_TRUE(Step2(account_, kNumber, tid, CodeFor(tid)).ok());
  EXPECT_EQ(MustEntry(account_, kNumber).expire_at, test::Utc(2029, 2, 28, 8, 0, 0));
}

TEST_P(VerificationTest, VerifiedEventCarriesTheEntryWithTheLinesOfThisStepOnly) {
  const std::string tid = Call(account_, kNumber);
  ASSERT_TRUE(Step2(account_, kNumber, tid, CodeFor(tid)).ok());
  const std::vector<EventRecord> verified = EventsOf(account_, EventType::kSenderIdVerified);
  ASSERT_EQ(verified.size(), 1u);
  EXPECT_EQ(verified[0].subject, MustEntry(account_, kNumber).handle_key);
  const DomainEvent e = Captured(verified[0]);
  ASSERT_TRUE(std::holds_alternative<SenderId>(e.data));
  const SenderId& data = std::get<SenderId>(e.data);
  EXPECT_EQ(data.status, NumberStatus::kActive);
  EXPECT_EQ(data.method, VerificationMethod::kArs);
  ASSERT_EQ(data.log.size(), 1u);
  EXPECT_EQ(data.log[0].message, kVerifiedLine);
}

TEST_P(VerificationTest, AConsumedTransactionFindsTheNumberVerified) {
  const std::string tid = Call(account_, kNumber);
  const std::string code = CodeFor(tid);
  ASSERT_TRUE(Step2(account_, kNumber, tid, code).ok());
  Result<VerificationOutcome> again = Step2(account_, kNumber, tid, code);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyApproved);
  EXPECT_EQ(MustEntry(account_, kNumber).log.size(), 2u) << "verified once";
}

TEST_P(VerificationTest, WrongCodesCountDownThenTheTransactionIsDead) {
  const std::string tid = Call(account_, kNumber);
  const std::string code = CodeFor(tid);
  for (int left = 4; left >= 0; --left) {
    Result<VerificationOutcome> r = Step2(account_, kNumber, tid, Wrong(code));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidMFAToken);
    EXPECT_EQ(r.error().message, text::message::kInvalidMfaToken);
    ASSERT_TRUE(r.error().mfa.has_value());
    EXPECT_EQ(r.error().mfa->attempts_left, left);
    EXPECT_EQ(r.error().mfa->auth_type, "ARS");
    EXPECT_EQ(r.error().mfa->transaction_id, tid);
    EXPECT_EQ(TransactionOf(tid)->attempts_used, 5 - left) << "counted and stored";
  }
  // Dead: even the right code is refused, and so is any later attempt.
  for (const std::string& token : {code, Wrong(code), code}) {
    Result<VerificationOutcome> r = Step2(account_, kNumber, tid, token);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kMFAAttemptsExceeded);
    EXPECT_EQ(r.error().message, text::message::kMfaAttemptsExceeded);
    ASSERT_TRUE(r.error().retry_after_seconds.has_value()) << "429 carries Retry-After";
    EXPECT_GE(*r.error().retry_after_seconds, 1);
  }
  EXPECT_EQ(TransactionOf(tid)->attempts_used, 5);
  const SenderId e = MustEntry(account_, kNumber);
  EXPECT_EQ(e.status, NumberStatus::kPending);
  EXPECT_EQ(e.log.size(), 1u);
  // A new call starts afresh.
  clock_.Advance(60 * kSecond);
  const std::string fresh = Call(account_, kNumber);
  ASSERT_TRUE(Step2(account_, kNumber, fresh, CodeFor(fresh)).ok());
}

TEST_P(VerificationTest, RightCodeAfterFourWrongOnesVerifies) {
  const std::string tid = Call(account_, kNumber);
  const std::string code = CodeFor(tid);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(Refusal(Step2(account_, kNumber, tid, Wrong(code))), ErrorCode::kInvalidMFAToken);
  Result<VerificationOutcome> r = Step2(account_, kNumber, tid, code);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(MustEntry(account_, kNumber).status, NumberStatus::kActive);
  EXPECT_TRUE(EventsOf(account_, EventType::kVerificationLocked).empty());
}

TEST_P(VerificationTest, LockedEventOnceAtTheFifthWrongCode) {
  const std::string tid = Call(account_, kNumber);
  const std::string code = CodeFor(tid);
  for (int i = 1; i <= 7; ++i) {
    (void)Step2(account_, kNumber, tid, i == 6 ? code : Wrong(code));
    const std::vector<EventRecord> locked = EventsOf(account_, EventType::kVerificationLocked);
    EXPECT_EQ(locked.size(), i < 5 ? 0u : 1u) << "after attempt " << i;
  }
  const std::vector<EventRecord> locked = EventsOf(account_, EventType::kVerificationLocked);
  ASSERT_EQ(locked.size(), 1u);
  EXPECT_EQ(locked[0].subject, tid);
  const DomainEvent e = Captured(locked[0]);
  ASSERT_TRUE(std::holds_alternative<LockedVerification>(e.data));
  EXPECT_EQ(std::get<LockedVerification>(e.data).phone_number, kNumber);
  EXPECT_EQ(std::get<LockedVerification>(e.data).transaction_id, tid);
  EXPECT_EQ(e.account_id, account_);
  EXPECT_EQ(EventTypes(account_),
            (std::vector<EventType>{EventType::kSenderIdCreated, EventType::kVerificationLocked}));
}

TEST_P(VerificationTest, TransactionLivesFiveMinutes) {
  const TimeMs t0 = clock_.Now();
  const std::string tid = Call(account_, kNumber);
  const std::string code = CodeFor(tid);
  clock_.Set(t0 + 5 * kMinute - 1);
  EXPECT_EQ(Refusal(Step2(account_, kNumber, tid, Wrong(code))), ErrorCode::kInvalidMFAToken)
      << "alive until its last millisecond";
  clock_.Set(t0 + 5 * kMinute);
  Result<VerificationOutcome> r = Step2(account_, kNumber, tid, code);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kMFATransactionExpired);
  EXPECT_EQ(r.error().message, text::message::kMfaTransactionExpired);
  EXPECT_EQ(MustEntry(account_, kNumber).status, NumberStatus::kPending);

  // Configurable.
  VerificationOptions options;
  options.transaction_lifetime = 30 * kSecond;
  clock_.Advance(kMinute);
  const TimeMs t1 = clock_.Now();
  const std::string short_lived = Call(account_, kNumber, options);
  clock_.Set(t1 + 30 * kSecond);
  EXPECT_EQ(Refusal(Step2(account_, kNumber, short_lived, CodeFor(short_lived), options)),
            ErrorCode::kMFATransactionExpired);
}

TEST_P(VerificationTest, ANewerStep1ReplacesTheOpenTransaction) {
  const std::string first = Call(account_, kNumber);
  clock_.Advance(60 * kSecond);
  const std::string second = Call(account_, kNumber);
  EXPECT_EQ(TransactionOf(first)->state, MfaState::kVoid);
  EXPECT_EQ(Refusal(Step2(account_, kNumber, first, CodeFor(first))),
            ErrorCode::kMFATransactionExpired);
  Result<VerificationOutcome> r = Step2(account_, kNumber, second, CodeFor(second));
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST_P(VerificationTest, ANewStep1ReplacesOnlyThisAccountsTransaction) {
  const Credentials b = NewAccount();
  MustCreate(b.account_id, kNumber);
  const std::string mine = Call(account_, kNumber);
  const std::string theirs = Call(b.account_id, kNumber);
  clock_.Advance(60 * kSecond);
  const std::string mine_again = Call(account_, kNumber);
  EXPECT_EQ(TransactionOf(mine)->state, MfaState::kVoid);
  EXPECT_EQ(TransactionOf(theirs)->state, MfaState::kOpen);
  EXPECT_EQ(TransactionOf(mine_again)->state, MfaState::kOpen);
  ASSERT_TRUE(Step2(b.account_id, kNumber, theirs, CodeFor(theirs)).ok());
}

TEST_P(VerificationTest, AnotherAccountsOrNumbersOrAnUnknownTransactionIsExpired) {
  const Credentials b = NewAccount();
  MustCreate(b.account_id, kNumber);
  MustCreate(account_, kOtherNumber);
  const std::string theirs = Call(b.account_id, kNumber);
  const std::string other_number = Call(account_, kOtherNumber);
  struct Case {
    std::string_view why;
    std::string transaction_id;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"another account's transaction for the same number", theirs, CodeFor(theirs)},
      {"this account's transaction for another number", other_number, CodeFor(other_number)},
      {"unknown", std::string(32, 'f'), "123456"},
      {"not even hex", "xyz", "123456"},
  };
  for (const Case& c : cases) {
    Result<VerificationOutcome> r = Step2(account_, kNumber, c.transaction_id, c.code);
    ASSERT_FALSE(r.ok()) << c.why;
    EXPECT_EQ(r.error().code, ErrorCode::kMFATransactionExpired) << c.why;
  }
  // None of that touched the transactions it named.
  EXPECT_EQ(TransactionOf(theirs)->attempts_used, 0);
  EXPECT_EQ(TransactionOf(other_number)->attempts_used, 0);
  EXPECT_EQ(MustEntry(account_, kNumber).status, NumberStatus::kPending);
  ASSERT_TRUE(Step2(account_, kOtherNumber, other_number, CodeFor(other_number)).ok());
  ASSERT_TRUE(Step2(b.account_id, kNumber, theirs, CodeFor(theirs)).ok());
}

TEST_P(VerificationTest, TransactionOfADeletedAndReRegisteredEntryIsExpired) {
  const std::string tid = Call(account_, kNumber);
  ASSERT_TRUE(Numbers().Delete(account_, kNumber).ok());
  MustCreate(account_, kNumber);
  EXPECT_EQ(Refusal(Step2(account_, kNumber, tid, CodeFor(tid))),
            ErrorCode::kMFATransactionExpired)
      << "bound to the entry, not just the number";
}

TEST_P(VerificationTest, AnExpiredEntryCanBeVerifiedAgain) {
  const TimeMs created = clock_.Now();
  clock_.Set(created + 12 * kDay);
  const std::string tid = Call(account_, kNumber);
  ASSERT_TRUE(Step2(account_, kNumber, tid, CodeFor(tid)).ok());
  const SenderId e = MustEntry(account_, kNumber);
  EXPECT_EQ(e.status, NumberStatus::kActive);
  ASSERT_EQ(e.log.size(), 3u);
  EXPECT_EQ(e.log[1].message, kExpiredLine);
  EXPECT_EQ(e.log[1].create_at, created + 12 * kDay);
  EXPECT_EQ(e.log[2].message, kVerifiedLine);
  EXPECT_EQ(EventTypes(account_),
            (std::vector<EventType>{EventType::kSenderIdCreated, EventType::kSenderIdExpired,
                                    EventType::kSenderIdVerified}));
}

TEST_P(VerificationTest, AVerificationThatLapsedCanBeRenewed) {
  ForceStatus(account_, kNumber, NumberStatus::kActive, clock_.Now() + kDay);
  EXPECT_EQ(Refusal(Step1(account_, kNumber)), ErrorCode::kAlreadyApproved);
  clock_.Advance(kDay);  // its expireAt: EXPIRED now, though no sweeper has run
  const std::string tid = Call(account_, kNumber);
  ASSERT_TRUE(Step2(account_, kNumber, tid, CodeFor(tid)).ok());
  const SenderId e = MustEntry(account_, kNumber);
  EXPECT_EQ(e.status, NumberStatus::kActive);
  EXPECT_EQ(e.expire_at, AddCalendarMonths(clock_.Now(), 6)) << "a new period";
  ASSERT_GE(e.log.size(), 2u);
  EXPECT_EQ(e.log[e.log.size() - 2].message, kExpiredLine);
  EXPECT_EQ(e.log.back().message, kVerifiedLine);
}

// ---------------------------------------------------------------------------------------------
// Call limits (SPEC §5): 60 s spacing, 5/day per account and number, 50/day per account, 20/day
// per number across accounts; "day" = rolling 24 h

TEST_P(VerificationTest, SixtySecondsBetweenCallsOfOneAccountToOneNumber) {
  const TimeMs t0 = clock_.Now();
  ASSERT_FALSE(Call(account_, kNumber).empty());
  struct Case {
    TimeMs at;
    int64_t retry_after;
  };
  for (const Case& c : {Case{t0, 60}, Case{t0 + kSecond, 59}, Case{t0 + 30 * kSecond + 1, 30},
                        Case{t0 + 60 * kSecond - 1, 1}}) {
    clock_.Set(c.at);
    EXPECT_EQ(RetryAfterOfRefusedCall(account_, kNumber), c.retry_after) << "at t0 + " << c.at - t0;
  }
  // Per account and number: another number of this account, and this number in another account,
  // may be called at once.
  MustCreate(account_, kOtherNumber);
  EXPECT_FALSE(Call(account_, kOtherNumber).empty());
  const Credentials b = NewAccount();
  MustCreate(b.account_id, kNumber);
  EXPECT_FALSE(Call(b.account_id, kNumber).empty());
  clock_.Set(t0 + 60 * kSecond);
  EXPECT_FALSE(Call(account_, kNumber).empty()) << "60 s later";
}

TEST_P(VerificationTest, FiveCallsPerNumberPerAccountPerRollingDay) {
  const TimeMs t0 = clock_.Now();
  for (int i = 0; i < 5; ++i) {
    clock_.Set(t0 + i * kMinute);
    ASSERT_FALSE(Call(account_, kNumber).empty()) << "call " << i + 1;
  }
  clock_.Set(t0 + 5 * kMinute);
  EXPECT_EQ(RetryAfterOfRefusedCall(account_, kNumber), (24 * kHour - 5 * kMinute) / kSecond)
      << "until the first call leaves the rolling day";
  clock_.Set(t0 + 24 * kHour - 1);
  EXPECT_EQ(RetryAfterOfRefusedCall(account_, kNumber), 1);
  clock_.Set(t0 + 24 * kHour);
  EXPECT_FALSE(Call(account_, kNumber).empty()) << "the first call left the window";
  clock_.Set(t0 + 24 * kHour + kMinute);
  EXPECT_FALSE(Call(account_, kNumber).empty()) << "and the second";
  EXPECT_EQ(voice_.call_count(), 7u);
  // Other numbers of the account are not affected.
  MustCreate(account_, kOtherNumber);
  EXPECT_FALSE(Call(account_, kOtherNumber).empty());
}

TEST_P(VerificationTest, FiftyCallsPerAccountPerRollingDay) {
  std::vector<std::string> numbers;
  for (int i = 0; i < 11; ++i) {
    numbers.push_back("010333300" + std::string(i < 10 ? "0" : "") + std::to_string(i));
    MustCreate(account_, numbers.back());
  }
  const TimeMs t0 = clock_.Now();
  for (int round = 0; round < 5; ++round) {
    clock_.Set(t0 + round * kMinute);
    for (int i = 0; i < 10; ++i)
      ASSERT_FALSE(Call(account_, numbers[static_cast<size_t>(i)]).empty())
          << "round " << round << " number " << i;
  }
  // The 11th number has no calls of its own: it is the account's cap that refuses it.
  clock_.Set(t0 + 5 * kMinute);
  EXPECT_EQ(RetryAfterOfRefusedCall(account_, numbers[10]), (24 * kHour - 5 * kMinute) / kSecond);
  // Another account is not affected.
  const Credentials b = NewAccount();
  MustCreate(b.account_id, numbers[10]);
  EXPECT_FALSE(Call(b.account_id, numbers[10]).empty());
  // Rolling: once the first round left the window, ten calls are free again.
  clock_.Set(t0 + 24 * kHour);
  EXPECT_FALSE(Call(account_, numbers[10]).empty());
  EXPECT_EQ(voice_.call_count(), 52u);
}

TEST_P(VerificationTest, TwentyCallsPerNumberPerRollingDayAcrossAccounts) {
  std::vector<std::string> accounts;
  for (int i = 0; i < 5; ++i) {
    accounts.push_back(NewAccount().account_id);
    MustCreate(accounts.back(), kOtherNumber);
  }
  const TimeMs t0 = clock_.Now();
  for (int round = 0; round < 5; ++round) {
    clock_.Set(t0 + round * kMinute);
    for (int i = 0; i < 4; ++i)
      ASSERT_FALSE(Call(accounts[static_cast<size_t>(i)], kOtherNumber).empty())
          << "round " << round << " account " << i;
  }
  // The fifth account never called this number: the number's global cap refuses it.
  clock_.Set(t0 + 5 * kMinute);
  EXPECT_EQ(RetryAfterOfRefusedCall(accounts[4], kOtherNumber),
            (24 * kHour - 5 * kMinute) / kSecond);
  // The same account may still call its other numbers.
  EXPECT_FALSE(Call(account_, kNumber).empty());
  clock_.Set(t0 + 24 * kHour);
  EXPECT_FALSE(Call(accounts[4], kOtherNumber).empty()) << "the first round left the window";
}

TEST_P(VerificationTest, CallLimitsAreConfigurable) {
  VerificationOptions options;
  options.call_spacing = 10 * kSecond;
  options.calls_per_account_number = 2;
  options.call_window = kHour;
  const TimeMs t0 = clock_.Now();
  ASSERT_FALSE(Call(account_, kNumber, options).empty());
  clock_.Set(t0 + 5 * kSecond);
  EXPECT_EQ(RetryAfterOfRefusedCall(account_, kNumber, options), 5);
  clock_.Set(t0 + 10 * kSecond);
  ASSERT_FALSE(Call(account_, kNumber, options).empty());
  clock_.Set(t0 + 20 * kSecond);
  EXPECT_EQ(RetryAfterOfRefusedCall(account_, kNumber, options), (kHour - 20 * kSecond) / kSecond);
  clock_.Set(t0 + kHour);
  EXPECT_FALSE(Call(account_, kNumber, options).empty());
}

TEST_P(VerificationTest, PruningForgetsOnlyCallsOutsideEveryWindow) {
  const TimeMs t0 = clock_.Now();
  ASSERT_FALSE(Call(account_, kNumber).empty());
  clock_.Set(t0 + kHour);
  ASSERT_FALSE(Call(account_, kNumber).empty());
  clock_.Set(t0 + 24 * kHour);
  Result<int> pruned = Verification().PruneOldTransactions();
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 0) << "a call exactly a day old is the window's edge";
  clock_.Set(t0 + 24 * kHour + 1);
  pruned = Verification().PruneOldTransactions();
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
  EXPECT_EQ(CountedCalls(account_, kNumber, 0), 1u) << "the younger call still counts";
}

// ---------------------------------------------------------------------------------------------
// Voice provider outcomes (SPEC §5.1)

TEST_P(VerificationTest, RefusedCallIsVoiceCallFailedAndCostsNothing) {
  voice_.SetOutcome(CallOutcome::kRefused);
  for (int i = 0; i < 7; ++i) {
    Result<VerificationOutcome> r = Step1(account_, kNumber);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kVoiceCallFailed) << "attempt " << i + 1;
    EXPECT_EQ(r.error().message, text::message::kVoiceCallFailed);
  }
  EXPECT_EQ(voice_.call_count(), 7u) << "the provider was asked every time";
  EXPECT_EQ(CountedCalls(account_, kNumber, 0), 0u) << "no refused call counts";
  for (const VoiceCall& call : voice_.calls())
    EXPECT_FALSE(TransactionOf(call.transaction_id).has_value()) << "its transaction is gone";
  // The whole allowance is still there: five placed calls, then the cap.
  voice_.SetOutcome(CallOutcome::kPlaced);
  const TimeMs t0 = clock_.Now();
  for (int i = 0; i < 5; ++i) {
    clock_.Set(t0 + i * kMinute);
    ASSERT_FALSE(Call(account_, kNumber).empty()) << "placed call " << i + 1;
  }
  clock_.Set(t0 + 5 * kMinute);
  EXPECT_EQ(RetryAfterOfRefusedCall(account_, kNumber), (24 * kHour - 5 * kMinute) / kSecond);
}

TEST_P(VerificationTest, RefusedCallLeavesTheEarlierTransactionValid) {
  const std::string open = Call(account_, kNumber);
  clock_.Advance(60 * kSecond);
  voice_.ScriptNext(CallOutcome::kRefused);
  EXPECT_EQ(Refusal(Step1(account_, kNumber)), ErrorCode::kVoiceCallFailed);
  EXPECT_EQ(TransactionOf(open)->state, MfaState::kOpen);
  Result<VerificationOutcome> r = Step2(account_, kNumber, open, CodeFor(open));
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST_P(VerificationTest, TimedOutCallIsVoiceCallFailedUnusableAndCountsForSpacingAndCaps) {
  const TimeMs t0 = clock_.Now();
  voice_.ScriptNext(CallOutcome::kTimedOut);
  Result<VerificationOutcome> r = Step1(account_, kNumber);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kVoiceCallFailed);
  EXPECT_EQ(r.error().message, text::message::kVoiceCallFailed);
  // The gateway may have dialled and read the code out: the transaction must still be unusable.
  const VoiceCall call = voice_.last();
  EXPECT_EQ(Refusal(Step2(account_, kNumber, call.transaction_id, call.token)),
            ErrorCode::kMFATransactionExpired);
  EXPECT_EQ(MustEntry(account_, kNumber).status, NumberStatus::kPending);
  // It counts as a placed call: spacing…
  EXPECT_EQ(CountedCalls(account_, kNumber, 0), 1u);
  EXPECT_EQ(RetryAfterOfRefusedCall(account_, kNumber), 60);
  // … and the daily cap: four more timeouts, then nothing until the first leaves the window.
  voice_.SetOutcome(CallOutcome::kTimedOut);
  for (int i = 1; i < 5; ++i) {
    clock_.Set(t0 + i * kMinute);
    EXPECT_EQ(Refusal(Step1(account_, kNumber)), ErrorCode::kVoiceCallFailed) << i;
  }
  voice_.SetOutcome(CallOutcome::kPlaced);
  clock_.Set(t0 + 5 * kMinute);
  EXPECT_EQ(RetryAfterOfRefusedCall(account_, kNumber), (24 * kHour - 5 * kMinute) / kSecond);
  clock_.Set(t0 + 24 * kHour);
  const std::string tid = Call(account_, kNumber);
  ASSERT_TRUE(Step2(account_, kNumber, tid, CodeFor(tid)).ok());
}

TEST_P(VerificationTest, ACallCountsFromTheMomentItIsReserved) {
  // While the first call rings, a second step 1 for the same number is already refused.
  std::optional<ErrorCode> during;
  bool nested = false;
  voice_.OnPlace([&](const VoiceCall&) {
    if (nested) return;
    nested = true;
    during = Refusal(Step1(account_, kNumber));
  });
  ASSERT_FALSE(Call(account_, kNumber).empty());
  EXPECT_EQ(during, ErrorCode::kTooManyVerificationCalls);
  EXPECT_EQ(voice_.call_count(), 1u);
}

// ---------------------------------------------------------------------------------------------
// A verification turns other accounts' unverified entries DUPLICATED (SPEC §4.1, §5)

TEST_P(VerificationTest, VerifyingTurnsOtherAccountsUnverifiedEntriesDuplicated) {
  const std::string n = kOtherNumber;
  // D: an entry whose duplicate unlock an operator approved (it needed a holder then: X).
  const Credentials x = NewAccount(5, "엑스");
  const Credentials d = NewAccount(5, "디");
  MustCreate(x.account_id, n);
  MustVerifyByArs(x.account_id, n);
  EXPECT_EQ(MustCreate(d.account_id, n).status, NumberStatus::kDuplicated);
  ASSERT_TRUE(Papers().RequestUnlock(AccountOf(d.account_id), n, "제 번호입니다", std::nullopt).ok());
  const std::string unlock_id = MustEntry(d.account_id, n).unlock->request_id;
  ASSERT_TRUE(Reviews().Approve(unlock_id, Decision{"operator", std::nullopt}).ok());
  ASSERT_TRUE(Numbers().UpdateStatus(x.account_id, n, NumberStatus::kInactive).ok());
  ASSERT_TRUE(Numbers().Delete(x.account_id, n).ok());  // nobody holds the number now

  // C: registered with a one-day PENDING period, so lapsed (EXPIRED) by the time of the
  // verification; D's PENDING period (12 days from the unlock) is still running then.
  const Credentials c = NewAccount(5, "씨");
  RegistryOptions short_pending;
  short_pending.pending_lifetime = kDay;
  SetRegistryOptions(short_pending);
  MustCreate(c.account_id, n);
  SetRegistryOptions(RegistryOptions{});
  const TimeMs c_lapsed = clock_.Now() + kDay;
  clock_.Set(c_lapsed + kHour);

  // B: PENDING with an open transaction. A: the one who verifies.
  const Credentials b = NewAccount(5, "비");
  MustCreate(b.account_id, n);
  const std::string b_tid = Call(b.account_id, n);
  MustCreate(account_, n);
  const size_t b_events = Events(b.account_id).size();
  const size_t c_events = Events(c.account_id).size();
  const size_t d_events = Events(d.account_id).size();
  MustVerifyByArs(account_, n);

  const TimeMs now = clock_.Now();
  const SenderId eb = MustEntry(b.account_id, n);
  EXPECT_EQ(eb.status, NumberStatus::kDuplicated);
  EXPECT_FALSE(eb.expire_at.has_value()) << "a DUPLICATED entry waits without expiry";
  ASSERT_FALSE(eb.log.empty());
  EXPECT_EQ(eb.log.back().message, kTurnedDuplicatedLine);
  EXPECT_EQ(eb.log.back().create_at, now);
  EXPECT_EQ(TransactionOf(b_tid)->state, MfaState::kVoid) << "its open transaction is void";
  EXPECT_EQ(Refusal(Step2(b.account_id, n, b_tid, CodeFor(b_tid))),
            ErrorCode::kDuplicatedSenderId);
  std::vector<EventRecord> events = Events(b.account_id);
  ASSERT_EQ(events.size(), b_events + 1);
  EXPECT_EQ(events.back().type, EventType::kSenderIdDuplicated);
  const SenderId b_data = std::get<SenderId>(Captured(events.back()).data);
  EXPECT_EQ(b_data.status, NumberStatus::kDuplicated);
  ASSERT_EQ(b_data.log.size(), 1u);
  EXPECT_EQ(b_data.log[0].message, kTurnedDuplicatedLine);

  // C lapsed before it turned DUPLICATED: both are in its log, in that order.
  const SenderId ec = MustEntry(c.account_id, n);
  EXPECT_EQ(ec.status, NumberStatus::kDuplicated);
  ASSERT_EQ(ec.log.size(), 3u);
  EXPECT_EQ(ec.log[1].message, kExpiredLine);
  EXPECT_EQ(ec.log[1].create_at, c_lapsed) << "dated when it lapsed";
  EXPECT_EQ(ec.log[2].message, kTurnedDuplicatedLine);
  EXPECT_EQ(ec.log[2].create_at, now);
  events = Events(c.account_id);
  ASSERT_EQ(events.size(), c_events + 2);
  EXPECT_EQ(events[c_events].type, EventType::kSenderIdExpired);
  EXPECT_EQ(events[c_events + 1].type, EventType::kSenderIdDuplicated);

  // D, unlocked, is untouched and may be verified as well: both accounts then hold it.
  const SenderId ed = MustEntry(d.account_id, n);
  EXPECT_EQ(ed.status, NumberStatus::kPending);
  EXPECT_TRUE(ed.duplicate_unlocked);
  EXPECT_EQ(Events(d.account_id).size(), d_events);
  MustVerifyByArs(d.account_id, n);
  EXPECT_EQ(MustEntry(d.account_id, n).status, NumberStatus::kActive);
  EXPECT_EQ(MustEntry(account_, n).status, NumberStatus::kActive);
}

TEST_P(VerificationTest, AnEntryThatTurnsDuplicatedWhileItsCallRingsLosesThatTransaction) {
  // A transaction reserved before another account verified the number must not open on the
  // DUPLICATED entry afterwards (SPEC §5: "An entry that turns DUPLICATED loses its open
  // transactions"); after an approved unlock it would otherwise verify the entry.
  const Credentials b = NewAccount();
  MustCreate(b.account_id, kNumber);
  bool nested = false;
  voice_.OnPlace([&](const VoiceCall& call) {
    if (nested || call.to != kNumber) return;
    nested = true;
    MustVerifyByArs(b.account_id, kNumber);  // B verifies while A's call rings
  });
  Result<VerificationOutcome> r = Step1(account_, kNumber);
  voice_.OnPlace(nullptr);
  ASSERT_TRUE(nested);
  EXPECT_EQ(MustEntry(account_, kNumber).status, NumberStatus::kDuplicated);
  // Step 1 answers what it finds now, and the transaction it made is not usable.
  EXPECT_EQ(Refusal(r), ErrorCode::kDuplicatedSenderId);
  const VoiceCall call = voice_.calls().front();
  ASSERT_TRUE(TransactionOf(call.transaction_id).has_value());
  EXPECT_NE(TransactionOf(call.transaction_id)->state, MfaState::kOpen);
  // What that allows: once an operator approves A's unlock, the stale transaction verifies A.
  ASSERT_TRUE(
      Papers().RequestUnlock(AccountOf(account_), kNumber, "제 번호입니다", std::nullopt).ok());
  ASSERT_TRUE(Reviews()
                  .Approve(MustEntry(account_, kNumber).unlock->request_id,
                           Decision{"operator", std::nullopt})
                  .ok());
  EXPECT_EQ(Refusal(Step2(account_, kNumber, call.transaction_id, call.token)),
            ErrorCode::kMFATransactionExpired);
}

// ---------------------------------------------------------------------------------------------
// Concurrency

TEST_P(VerificationTest, ConcurrentRightAnswersVerifyExactlyOnce) {
  const std::string tid = Call(account_, kNumber);
  const std::string code = CodeFor(tid);
  VerificationService service = Verification();
  constexpr int kThreads = 8;
  std::vector<std::optional<ErrorCode>> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      results[static_cast<size_t>(i)] =
          Refusal(service.Authenticate(account_, kNumber, MfaStep2(kNumber, tid, code)));
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(std::count(results.begin(), results.end(), std::nullopt), 1) << "one AccountDoc";
  EXPECT_EQ(std::count(results.begin(), results.end(), ErrorCode::kAlreadyApproved), kThreads - 1);
  const SenderId e = MustEntry(account_, kNumber);
  EXPECT_EQ(e.status, NumberStatus::kActive);
  EXPECT_EQ(std::count_if(e.log.begin(), e.log.end(),
                          [](const LogEntry& l) { return l.message == kVerifiedLine; }),
            1);
  EXPECT_EQ(EventsOf(account_, EventType::kSenderIdVerified).size(), 1u);
}

TEST_P(VerificationTest, ConcurrentWrongAnswersSpendEachAttemptOnce) {
  const std::string tid = Call(account_, kNumber);
  const std::string wrong = Wrong(CodeFor(tid));
  VerificationService service = Verification();
  constexpr int kThreads = 10;
  std::mutex mu;
  std::vector<int> attempts_left;
  std::atomic<int> exceeded{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&] {
      Result<VerificationOutcome> r =
          service.Authenticate(account_, kNumber, MfaStep2(kNumber, tid, wrong));
      if (!r.ok() && r.error().code == ErrorCode::kInvalidMFAToken && r.error().mfa &&
          r.error().mfa->attempts_left) {
        std::lock_guard lock(mu);
        attempts_left.push_back(*r.error().mfa->attempts_left);
      } else if (!r.ok() && r.error().code == ErrorCode::kMFAAttemptsExceeded) {
        ++exceeded;
      } else {
        ++other;
      }
    });
  for (std::thread& t : threads) t.join();
  std::sort(attempts_left.begin(), attempts_left.end());
  EXPECT_EQ(attempts_left, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(exceeded.load(), kThreads - 5);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(TransactionOf(tid)->attempts_used, 5);
  EXPECT_EQ(EventsOf(account_, EventType::kVerificationLocked).size(), 1u);
}

TEST_P(VerificationTest, ConcurrentStep1sOfOneAccountToOneNumberPlaceOneCall) {
  VerificationService service = Verification();
  constexpr int kThreads = 8;
  std::vector<std::optional<ErrorCode>> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      results[static_cast<size_t>(i)] =
          Refusal(service.Authenticate(account_, kNumber, MfaStep1(kNumber)));
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(std::count(results.begin(), results.end(), std::nullopt), 1);
  EXPECT_EQ(std::count(results.begin(), results.end(), ErrorCode::kTooManyVerificationCalls),
            kThreads - 1);
  EXPECT_EQ(voice_.call_count(), 1u);
  EXPECT_EQ(CountedCalls(account_, kNumber, 0), 1u);
}

TEST_P(VerificationTest, ConcurrentStep1sNeverExceedTheNumbersCapAcrossAccounts) {
  constexpr int kAccounts = 26;
  std::vector<std::string> accounts;
  for (int i = 0; i < kAccounts; ++i) {
    accounts.push_back(NewAccount().account_id);
    MustCreate(accounts.back(), kOtherNumber);
  }
  VerificationService service = Verification();
  std::vector<std::optional<ErrorCode>> results(kAccounts);
  std::vector<std::thread> threads;
  for (int i = 0; i < kAccounts; ++i)
    threads.emplace_back([&, i] {
      const auto k = static_cast<size_t>(i);
      results[k] = Refusal(service.Authenticate(accounts[k], kOtherNumber, MfaStep1(kOtherNumber)));
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(std::count(results.begin(), results.end(), std::nullopt), 20);
  EXPECT_EQ(std::count(results.begin(), results.end(), ErrorCode::kTooManyVerificationCalls),
            kAccounts - 20);
  EXPECT_EQ(voice_.call_count(), 20u);
  EXPECT_EQ(CountedCalls("", kOtherNumber, 0), 20u);
}

TEST_P(VerificationTest, ConcurrentStep1sNeverExceedTheAccountsCap) {
  constexpr int kNumbers = 56;
  const std::string wide = NewAccount(kNumbers).account_id;
  std::vector<std::string> numbers;
  for (int i = 0; i < kNumbers; ++i) {
    numbers.push_back("0104444" + std::string(i < 10 ? "000" : "00") + std::to_string(i));
    MustCreate(wide, numbers.back());
  }
  VerificationService service = Verification();
  std::vector<std::optional<ErrorCode>> results(kNumbers);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = t; i < kNumbers; i += 4) {
        const auto k = static_cast<size_t>(i);
        results[k] = Refusal(service.Authenticate(wide, numbers[k], MfaStep1(numbers[k])));
      }
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(std::count(results.begin(), results.end(), std::nullopt), 50);
  EXPECT_EQ(std::count(results.begin(), results.end(), ErrorCode::kTooManyVerificationCalls),
            kNumbers - 50);
  EXPECT_EQ(CountedCalls(wide, "", 0), 50u);
}

}  // namespace
}  // namespace senderid
