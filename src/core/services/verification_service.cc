#include "core/services/verification_service.h"

#include <algorithm>
#include <utility>

#include "core/ids.h"
#include "core/messages.h"
#include "core/phone_number.h"
#include "core/services/log_messages.h"
#include "core/services/numbers_service.h"

namespace senderid {
namespace {

constexpr std::string_view kCodeHashPurpose = "ars-code";

int64_t CeilSeconds(TimeMs ms) { return std::max<int64_t>(1, (ms + kSecond - 1) / kSecond); }

Error InvalidMfaData(std::string why) {
  return Error(ErrorCode::kInvalidMFAData, "x-mfa-data: " + std::move(why));
}

Error TransactionExpired() {
  return Error(ErrorCode::kMFATransactionExpired,
               "인증 요청이 만료되었거나 유효하지 않습니다. 인증을 다시 요청해 주세요.");
}

Error TooManyCalls(TimeMs wait) {
  return Error(ErrorCode::kTooManyVerificationCalls,
               "인증 전화 요청 횟수를 초과하였습니다. 잠시 후 다시 시도해 주세요.")
      .WithRetryAfter(CeilSeconds(wait));
}

// Number checks shared by both steps (SPEC §5: number first).
Status CheckVerifiable(const SenderId& e, TimeMs now) {
  const NumberStatus status = registry::EffectiveStatus(e, now);
  if (IsVerified(status))
    return Error(ErrorCode::kAlreadyApproved, std::string(message::kAlreadyApproved));
  if (status == NumberStatus::kDuplicated)
    return Error(ErrorCode::kDuplicatedSenderId, std::string(message::kDuplicatedSenderId));
  return OkStatus();
}

std::string SpokenMessage(std::string_view code) {
  std::string spaced;
  for (char c : code) {
    if (!spaced.empty()) spaced += ' ';
    spaced += c;
  }
  return "인증번호는 " + spaced + " 입니다.";
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// What step 2 decided inside its transaction. A wrong code is not an error for the store: the
// spent attempt must be committed.
struct CodeCheck {
  bool verified = false;
  int attempts_left = 0;
  AccountDoc doc;
};

}  // namespace

namespace registry {

Status MarkVerified(StoreWriter& w, SenderId& entry, VerificationMethod method, TimeMs now,
                    int verified_lifetime_months) {
  entry.status = NumberStatus::kActive;
  entry.method = method;
  entry.expire_at = AddCalendarMonths(now, verified_lifetime_months);
  entry.date_updated = now;
  SID_TRY(AppendLog(w, entry, now, log_text::Verified(ToString(method))));
  SID_TRY(w.UpdateSenderId(entry));
  SID_TRY(w.VoidOpenMfaTransactions(entry.handle_key, ""));
  SID_TRY(TouchAccount(w, entry.account_id, now));

  SID_ASSIGN_OR_RETURN(std::vector<SenderId> others, w.ListSenderIdsByNumber(entry.phone_number));
  for (SenderId& other : others) {
    if (other.account_id == entry.account_id || other.duplicate_unlocked) continue;
    const NumberStatus status = EffectiveStatus(other, now);
    if (status != NumberStatus::kPending && status != NumberStatus::kExpired) continue;
    SID_TRY(ApplyDueExpiries(w, other.account_id, now));
    other.status = NumberStatus::kDuplicated;
    other.expire_at.reset();
    other.date_updated = now;
    SID_TRY(AppendLog(w, other, now, std::string(log_text::kTurnedDuplicated)));
    SID_TRY(w.UpdateSenderId(other));
    SID_TRY(w.VoidOpenMfaTransactions(other.handle_key, ""));
    SID_TRY(TouchAccount(w, other.account_id, now));
  }
  return OkStatus();
}

}  // namespace registry

VerificationService::VerificationService(Store& store, const Crypto& crypto, const Clock& clock,
                                         Random& random, VoiceCaller& voice,
                                         RegistryOptions registry, VerificationOptions options)
    : store_(store),
      crypto_(crypto),
      clock_(clock),
      random_(random),
      voice_(voice),
      registry_(registry),
      options_(options) {}

Result<int> VerificationService::PruneOldTransactions() {
  const TimeMs before =
      clock_.Now() - std::max(options_.call_window, options_.transaction_lifetime);
  return WriteValue<int>(store_, [&](StoreWriter& w) { return w.PruneMfaTransactions(before); });
}

std::string VerificationService::CodeHash(std::string_view transaction_id,
                                          std::string_view code) const {
  return crypto_.KeyedHash(kCodeHashPurpose, std::string(transaction_id) + ":" + std::string(code));
}

Result<AccountDoc> VerificationService::Authenticate(const std::string& account_id,
                                                     std::string_view phone_number,
                                                     const std::optional<Result<MfaData>>& mfa) {
  const TimeMs now = clock_.Now();
  SID_ASSIGN_OR_RETURN(SenderId entry, ReadValue<SenderId>(store_, [&](StoreReader& r) {
                         return registry::FindEntry(r, account_id, phone_number);
                       }));
  SID_TRY(CheckVerifiable(entry, now));

  if (!mfa) {
    Error e(ErrorCode::kMFARequired,
            "ARS 인증이 필요합니다. x-mfa-data 헤더로 인증 전화를 요청해 주세요.");
    e.mfa = MfaDetails{};
    e.mfa->auth_types = {"ARS"};
    return e;
  }
  if (!mfa->ok()) return mfa->error();
  const MfaData& data = **mfa;
  if (data.auth_type != "ARS") return InvalidMfaData("authType must be \"ARS\"");
  if (!data.phone_number) return InvalidMfaData("extras.phoneNumber is required");
  if (NormalizePhoneNumber(*data.phone_number) != entry.phone_number)
    return InvalidMfaData("extras.phoneNumber does not match the number in the path");
  if (!data.transaction_id && !data.token) return RequestCall(account_id, entry);
  if (!data.transaction_id || !data.token)
    return InvalidMfaData("transactionId and token go together");
  if (!AllDigits(*data.token)) return InvalidMfaData("token must be digits");
  return CheckCode(account_id, phone_number, data);
}

Result<AccountDoc> VerificationService::RequestCall(const std::string& account_id,
                                                    const SenderId& found) {
  const TimeMs now = clock_.Now();
  const std::string code = RandomString(random_, static_cast<size_t>(options_.code_length), kDigits);
  MfaTransaction t;
  t.transaction_id = RandomHex(random_, 16);
  t.account_id = account_id;
  t.handle_key = found.handle_key;
  t.phone_number = found.phone_number;
  t.code_hash = CodeHash(t.transaction_id, code);
  t.state = MfaState::kPlacing;
  t.created_at = now;
  t.expires_at = now + options_.transaction_lifetime;

  // Reserve the call first: the reservation counts against the caps while the call is placed, so
  // concurrent step 1s cannot exceed them.
  SID_TRY(store_.Write([&](StoreWriter& w) -> Status {
    SID_TRY(registry::ApplyDueExpiries(w, account_id, now));
    SID_ASSIGN_OR_RETURN(SenderId entry, registry::FindEntry(w, account_id, found.phone_number));
    if (entry.handle_key != found.handle_key) return TransactionExpired();
    SID_TRY(CheckVerifiable(entry, now));
    const TimeMs since = now - options_.call_window;
    SID_ASSIGN_OR_RETURN(std::vector<TimeMs> own, w.ListCallTimes(account_id, entry.phone_number, since));
    if (!own.empty() && own.back() + options_.call_spacing > now)
      return TooManyCalls(own.back() + options_.call_spacing - now);
    const auto over_cap = [&](const std::vector<TimeMs>& times, int cap) -> std::optional<TimeMs> {
      if (static_cast<int>(times.size()) < cap) return std::nullopt;
      return times[times.size() - static_cast<size_t>(cap)] + options_.call_window - now;
    };
    if (auto wait = over_cap(own, options_.calls_per_account_number)) return TooManyCalls(*wait);
    SID_ASSIGN_OR_RETURN(std::vector<TimeMs> account_calls, w.ListCallTimes(account_id, "", since));
    if (auto wait = over_cap(account_calls, options_.calls_per_account)) return TooManyCalls(*wait);
    SID_ASSIGN_OR_RETURN(std::vector<TimeMs> number_calls, w.ListCallTimes("", entry.phone_number, since));
    if (auto wait = over_cap(number_calls, options_.calls_per_number)) return TooManyCalls(*wait);
    return w.InsertMfaTransaction(t);
  }));

  const Status placed = voice_.Place(
      VoiceCall{t.phone_number, code, t.transaction_id, SpokenMessage(code), now});
  if (!placed.ok()) {
    // No call, no cost: the reservation goes, and an earlier open transaction stays valid.
    SID_TRY(store_.Write([&](StoreWriter& w) { return w.DeleteMfaTransaction(t.transaction_id); }));
    return placed.error();
  }
  SID_TRY(store_.Write([&](StoreWriter& w) -> Status {
    SID_ASSIGN_OR_RETURN(std::optional<MfaTransaction> current,
                         w.FindMfaTransaction(t.transaction_id));
    if (!current || current->state != MfaState::kPlacing) return OkStatus();
    current->state = MfaState::kOpen;
    SID_TRY(w.VoidOpenMfaTransactions(t.handle_key, t.transaction_id));
    return w.UpdateMfaTransaction(*current);
  }));

  Error e(ErrorCode::kMFARequired,
          "음성 전화로 인증번호를 안내했습니다. 안내받은 인증번호를 token으로 보내 주세요.");
  e.mfa = MfaDetails{};
  e.mfa->auth_type = "ARS";
  e.mfa->transaction_id = t.transaction_id;
  e.mfa->expires_at = t.expires_at;
  e.mfa->attempts_left = options_.max_attempts;
  e.mfa->resend_after = now + options_.call_spacing;
  return e;
}

Result<AccountDoc> VerificationService::CheckCode(const std::string& account_id,
                                                  std::string_view phone_number,
                                                  const MfaData& mfa) {
  const TimeMs now = clock_.Now();
  const std::string presented = CodeHash(*mfa.transaction_id, *mfa.token);
  SID_ASSIGN_OR_RETURN(CodeCheck check, WriteValue<CodeCheck>(store_, [&](StoreWriter& w) -> Result<CodeCheck> {
    SID_TRY(registry::ApplyDueExpiries(w, account_id, now));
    SID_ASSIGN_OR_RETURN(SenderId entry, registry::FindEntry(w, account_id, phone_number));
    SID_TRY(CheckVerifiable(entry, now));
    SID_ASSIGN_OR_RETURN(std::optional<MfaTransaction> t, w.FindMfaTransaction(*mfa.transaction_id));
    // Another account's or another entry's transaction is indistinguishable from an unknown one.
    if (!t || t->account_id != account_id || t->handle_key != entry.handle_key ||
        t->state != MfaState::kOpen || now >= t->expires_at)
      return TransactionExpired();
    if (t->attempts_used >= options_.max_attempts)
      return Error(ErrorCode::kMFAAttemptsExceeded,
                   "인증번호 입력 횟수를 초과하였습니다. 인증을 다시 요청해 주세요.")
          .WithRetryAfter(CeilSeconds(std::max<TimeMs>(t->created_at + options_.call_spacing - now, 0)));
    // Count the attempt before comparing, in the same transaction.
    ++t->attempts_used;
    CodeCheck out;
    out.attempts_left = options_.max_attempts - t->attempts_used;
    if (!crypto_.ConstantTimeEquals(presented, t->code_hash)) {
      SID_TRY(w.UpdateMfaTransaction(*t));
      return out;
    }
    t->state = MfaState::kConsumed;
    SID_TRY(w.UpdateMfaTransaction(*t));
    SID_TRY(registry::MarkVerified(w, entry, VerificationMethod::kArs, now,
                                   registry_.verified_lifetime_months));
    out.verified = true;
    SID_ASSIGN_OR_RETURN(out.doc, registry::LoadDoc(w, account_id));
    return out;
  }));
  if (check.verified) return std::move(check.doc);
  Error e(ErrorCode::kInvalidMFAToken, "인증번호가 일치하지 않습니다.");
  e.mfa = MfaDetails{};
  e.mfa->auth_type = "ARS";
  e.mfa->transaction_id = *mfa.transaction_id;
  e.mfa->attempts_left = check.attempts_left;
  return e;
}

}  // namespace senderid
