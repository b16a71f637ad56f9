#include "core/services/verification_service.h"

#include <algorithm>
#include <utility>

#include "core/catalogue.h"
#include "core/ids.h"
#include "core/lifecycle/queries.h"
#include "core/phone_number.h"

namespace senderid {
namespace {

constexpr std::string_view kCodeHashPurpose = "ars-code";

int64_t CeilSeconds(TimeMs ms) { return std::max<int64_t>(1, (ms + kSecond - 1) / kSecond); }

Error Invalid(std::string_view why) { return Error(ErrorCode::kInvalidMFAData, std::string(why)); }

Error TransactionExpired() {
  return Error(ErrorCode::kMFATransactionExpired,
               std::string(text::message::kMfaTransactionExpired));
}

Error TooManyCalls(TimeMs wait) {
  return Error(ErrorCode::kTooManyVerificationCalls,
               std::string(text::message::kTooManyVerificationCalls))
      .WithRetryAfter(CeilSeconds(wait));
}

// Number checks shared by both steps (SPEC §5: number first).
Status CheckVerifiable(const SenderId& e, TimeMs now) {
  const NumberStatus status = EffectiveStatus(e, now);
  if (IsVerified(status))
    return Error(ErrorCode::kAlreadyApproved, std::string(text::message::kAlreadyApproved));
  if (status == NumberStatus::kDuplicated)
    return Error(ErrorCode::kDuplicatedSenderId, std::string(text::message::kDuplicatedSenderId));
  return OkStatus();
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

VerificationService::VerificationService(Store& store, const Crypto& crypto, const Clock& clock,
                                         Random& random, VoiceCaller& voice,
                                         const Lifecycle& lifecycle, VerificationOptions options)
    : store_(store),
      crypto_(crypto),
      clock_(clock),
      random_(random),
      voice_(voice),
      lifecycle_(lifecycle),
      options_(options) {}

Result<int> VerificationService::PruneOldTransactions() {
  const TimeMs before =
      clock_.Now() - std::max(options_.call_window, options_.transaction_lifetime);
  return WriteValue<int>(store_, [&](WriteTx& tx) { return tx.verifications().Prune(before); });
}

std::string VerificationService::CodeHash(std::string_view transaction_id,
                                          std::string_view code) const {
  return crypto_.KeyedHash(kCodeHashPurpose, std::string(transaction_id) + ":" + std::string(code));
}

Result<VerificationOutcome> VerificationService::Authenticate(
    const std::string& account_id, std::string_view phone_number,
    const std::optional<Result<MfaData>>& mfa) {
  const TimeMs now = clock_.Now();
  SID_ASSIGN_OR_RETURN(SenderId entry, ReadValue<SenderId>(store_, [&](ReadTx& tx) {
                         return FindEntry(tx, account_id, phone_number);
                       }));
  SID_TRY(CheckVerifiable(entry, now));

  if (!mfa) {
    MfaChallenge challenge{std::string(text::message::kMfaRequired), {}};
    challenge.details.auth_types = {"ARS"};
    return VerificationOutcome(std::move(challenge));
  }
  if (!mfa->ok()) return mfa->error();
  const MfaData& data = **mfa;
  if (data.auth_type != "ARS") return Invalid(text::invalid::kMfaAuthType);
  if (!data.phone_number) return Invalid(text::invalid::kMfaPhoneRequired);
  if (NormalizePhoneNumber(*data.phone_number) != entry.phone_number)
    return Invalid(text::invalid::kMfaPhoneMismatch);
  if (!data.transaction_id && !data.token) return RequestCall(account_id, entry);
  if (!data.transaction_id || !data.token) return Invalid(text::invalid::kMfaPair);
  if (!AllDigits(*data.token)) return Invalid(text::invalid::kMfaTokenDigits);
  return CheckCode(account_id, phone_number, data);
}

Result<VerificationOutcome> VerificationService::RequestCall(const std::string& account_id,
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
  SID_TRY(store_.Write([&](WriteTx& tx) -> Status {
    SID_TRY(lifecycle_.Begin(tx, now).ExpireDue(account_id));
    SID_ASSIGN_OR_RETURN(SenderId entry, FindEntry(tx, account_id, found.phone_number));
    if (entry.handle_key != found.handle_key) return TransactionExpired();
    SID_TRY(CheckVerifiable(entry, now));
    const TimeMs since = now - options_.call_window;
    VerificationsRepository& calls = tx.verifications();
    // Every limit that applies is checked, and Retry-After is the longest wait: after it, a call
    // goes through (SPEC §8 "where waiting helps").
    TimeMs wait = 0;
    const auto over_cap = [&](const std::vector<TimeMs>& times, int cap) {
      if (static_cast<int>(times.size()) >= cap)
        wait = std::max(wait, times[times.size() - static_cast<size_t>(cap)] + options_.call_window - now);
    };
    SID_ASSIGN_OR_RETURN(std::vector<TimeMs> own, calls.CallTimes(account_id, entry.phone_number, since));
    if (!own.empty() && own.back() + options_.call_spacing > now)
      wait = own.back() + options_.call_spacing - now;
    over_cap(own, options_.calls_per_account_number);
    SID_ASSIGN_OR_RETURN(std::vector<TimeMs> account_calls, calls.CallTimes(account_id, "", since));
    over_cap(account_calls, options_.calls_per_account);
    SID_ASSIGN_OR_RETURN(std::vector<TimeMs> number_calls, calls.CallTimes("", entry.phone_number, since));
    over_cap(number_calls, options_.calls_per_number);
    if (wait > 0) return TooManyCalls(wait);
    return calls.Insert(t);
  }));

  const CallOutcome outcome = voice_.Place(
      VoiceCall{t.phone_number, code, t.transaction_id, text::SpokenCode(code), now});
  if (outcome != CallOutcome::kPlaced) {
    // The new transaction is never usable; an earlier open one stays valid. A refused call costs
    // nothing, so its reservation goes; a timed-out one may have dialled (SPEC §5.1), so its row
    // stays as a placed call for every cap.
    SID_TRY(store_.Write([&](WriteTx& tx) -> Status {
      if (outcome == CallOutcome::kRefused) return tx.verifications().Delete(t.transaction_id);
      MfaTransaction void_call = t;
      void_call.state = MfaState::kVoid;
      return tx.verifications().Update(void_call);
    }));
    return Error(ErrorCode::kVoiceCallFailed, std::string(text::message::kVoiceCallFailed));
  }
  // The call is placed; the transaction opens only if its entry may still be verified: while the
  // phone rang, another account may have verified the number (this entry is DUPLICATED now and
  // loses its transactions, SPEC §5), or this one may have been deleted or verified. The call still
  // counts either way.
  Status opened = OkStatus();
  SID_TRY(store_.Write([&](WriteTx& tx) -> Status {
    opened = OkStatus();
    SID_ASSIGN_OR_RETURN(std::optional<MfaTransaction> current,
                         tx.verifications().Find(t.transaction_id));
    if (!current || current->state != MfaState::kPlacing) return OkStatus();
    Result<SenderId> entry = FindEntry(tx, account_id, t.phone_number);
    if (!entry.ok() || entry->handle_key != t.handle_key) opened = TransactionExpired();
    else opened = CheckVerifiable(*entry, now);
    current->state = opened.ok() ? MfaState::kOpen : MfaState::kVoid;
    if (opened.ok()) SID_TRY(tx.verifications().VoidOpen(t.handle_key, t.transaction_id));
    return tx.verifications().Update(*current);
  }));
  if (!opened.ok()) return std::move(opened).error();

  MfaChallenge challenge{std::string(text::message::kMfaCallPlaced), {}};
  challenge.details.auth_type = "ARS";
  challenge.details.transaction_id = t.transaction_id;
  challenge.details.expires_at = t.expires_at;
  challenge.details.attempts_left = options_.max_attempts;
  challenge.details.resend_after = now + options_.call_spacing;
  return VerificationOutcome(std::move(challenge));
}

Result<VerificationOutcome> VerificationService::CheckCode(const std::string& account_id,
                                                           std::string_view phone_number,
                                                           const MfaData& mfa) {
  const TimeMs now = clock_.Now();
  const std::string presented = CodeHash(*mfa.transaction_id, *mfa.token);
  SID_ASSIGN_OR_RETURN(CodeCheck check, WriteValue<CodeCheck>(store_, [&](WriteTx& tx) -> Result<CodeCheck> {
    Changes changes = lifecycle_.Begin(tx, now);
    SID_TRY(changes.ExpireDue(account_id));
    SID_ASSIGN_OR_RETURN(SenderId entry, FindEntry(tx, account_id, phone_number));
    SID_TRY(CheckVerifiable(entry, now));
    SID_ASSIGN_OR_RETURN(std::optional<MfaTransaction> t, tx.verifications().Find(*mfa.transaction_id));
    // Another account's or another entry's transaction is indistinguishable from an unknown one.
    if (!t || t->account_id != account_id || t->handle_key != entry.handle_key ||
        t->state != MfaState::kOpen || now >= t->expires_at)
      return TransactionExpired();
    if (t->attempts_used >= options_.max_attempts)
      return Error(ErrorCode::kMFAAttemptsExceeded, std::string(text::message::kMfaAttemptsExceeded))
          .WithRetryAfter(CeilSeconds(std::max<TimeMs>(t->created_at + options_.call_spacing - now, 0)));
    // The attempt counts whatever the comparison says: it is stored in this same transaction.
    ++t->attempts_used;
    CodeCheck out;
    out.attempts_left = options_.max_attempts - t->attempts_used;
    if (!crypto_.ConstantTimeEquals(presented, t->code_hash)) {
      SID_TRY(tx.verifications().Update(*t));
      if (out.attempts_left == 0) SID_TRY(changes.VerificationLocked(*t));
      return out;
    }
    t->state = MfaState::kConsumed;
    SID_TRY(tx.verifications().Update(*t));
    SID_TRY(changes.Verify(entry, VerificationMethod::kArs));
    out.verified = true;
    SID_ASSIGN_OR_RETURN(out.doc, LoadAccountDoc(tx, account_id));
    return out;
  }));
  if (check.verified) return VerificationOutcome(std::move(check.doc));
  Error e(ErrorCode::kInvalidMFAToken, std::string(text::message::kInvalidMfaToken));
  e.mfa = MfaDetails{};
  e.mfa->auth_type = "ARS";
  e.mfa->transaction_id = *mfa.transaction_id;
  e.mfa->attempts_left = check.attempts_left;
  return e;
}

}  // namespace senderid
