#include "core/services/operator_auth.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/audit.h"
#include "core/catalogue.h"
#include "core/hex.h"
#include "core/ids.h"
#include "core/services/operators_service.h"

namespace senderid {
namespace {

Error Unauthorized() {
  return Error(ErrorCode::kUnauthorized, std::string(text::admin::kUnauthorized));
}

Error InvalidCredentials() {
  return Error(ErrorCode::kInvalidCredentials, std::string(text::admin::kInvalidCredentials));
}

// Seconds until the attempts at `times` (ascending, within the window) fall below `limit`.
int64_t SecondsUntilBelow(const std::vector<TimeMs>& times, int limit, TimeMs window, TimeMs now) {
  const TimeMs leaves = times[times.size() - static_cast<size_t>(limit)] + window;
  return (leaves - now + 999) / 1000;
}

}  // namespace

class OperatorAuth::Slot {
 public:
  explicit Slot(std::atomic<int>& in_use) : in_use_(in_use) {}
  ~Slot() { in_use_.fetch_sub(1); }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  std::atomic<int>& in_use_;
};

OperatorAuth::OperatorAuth(Store& store, const Crypto& crypto, const Clock& clock, Random& random,
                           OperatorAuthOptions options)
    : store_(store), crypto_(crypto), clock_(clock), random_(random), options_(options) {}

Result<std::unique_ptr<OperatorAuth::Slot>> OperatorAuth::TakeSlot() {
  if (verifying_.fetch_add(1) >= options_.max_verifications) {
    verifying_.fetch_sub(1);
    return Error(ErrorCode::kServiceUnavailable, std::string(text::admin::kSignInBusy))
        .WithRetryAfter(1);
  }
  return std::make_unique<Slot>(verifying_);
}

const std::string& OperatorAuth::DummyHash() {
  std::call_once(dummy_once_, [this] {
    Result<std::string> h = crypto_.HashPassword(RandomHex(random_, 16));
    dummy_hash_ = h.ok() ? std::move(h).value() : std::string();
  });
  return dummy_hash_;
}

std::string OperatorAuth::SessionHash(std::string_view token) const {
  return crypto_.KeyedHash("operator-session", token);
}

std::string OperatorAuth::CsrfToken(std::string_view token) const {
  return ToHex(crypto_.KeyedHash("operator-csrf", token));
}

Result<std::optional<Operator>> OperatorAuth::CountAttempt(const std::string& name,
                                                           const std::string& source,
                                                           const std::string& attempt_id,
                                                           TimeMs now) {
  const TimeMs since = now - options_.lockout_window;
  return WriteValue<std::optional<Operator>>(
      store_, [&](WriteTx& tx) -> Result<std::optional<Operator>> {
        SID_ASSIGN_OR_RETURN(std::vector<TimeMs> by_name,
                             tx.operators().AttemptTimes(name, "", since));
        SID_ASSIGN_OR_RETURN(std::vector<TimeMs> by_source,
                             tx.operators().AttemptTimes("", source, since));
        const auto limit = static_cast<size_t>(options_.lockout_failures);
        if (by_name.size() >= limit || by_source.size() >= limit) {
          int64_t wait = 1;
          if (by_name.size() >= limit)
            wait = std::max(wait, SecondsUntilBelow(by_name, options_.lockout_failures,
                                                    options_.lockout_window, now));
          if (by_source.size() >= limit)
            wait = std::max(wait, SecondsUntilBelow(by_source, options_.lockout_failures,
                                                    options_.lockout_window, now));
          return Error(ErrorCode::kTooManyLoginAttempts,
                       std::string(text::admin::kTooManyLoginAttempts))
              .WithRetryAfter(wait);
        }
        SID_TRY(tx.operators().InsertAttempt(LoginAttempt{attempt_id, name, source, now}));
        return tx.operators().Find(name);
      });
}

Result<SignedIn> OperatorAuth::SignIn(std::string_view name_view, std::string_view password,
                                      std::string_view source_view) {
  const std::string name(name_view), source(source_view);
  SID_ASSIGN_OR_RETURN(std::unique_ptr<Slot> slot, TakeSlot());
  const std::string attempt_id = RandomHex(random_, 16);
  SID_ASSIGN_OR_RETURN(std::optional<Operator> op,
                       CountAttempt(name, source, attempt_id, clock_.Now()));
  // Every refusal verifies one hash: an unknown name and a disabled operator cost what a wrong
  // password costs.
  const bool matches = crypto_.VerifyPassword(op ? op->password_hash : DummyHash(), password);
  slot.reset();
  const bool ok = matches && op && op->state == OperatorState::kActive;
  const TimeMs now = clock_.Now();
  const Actor actor{name, source};
  if (!ok) {
    SID_TRY(store_.Write([&](WriteTx& tx) {
      return audit::Record(tx, random_, now, actor, audit::kLoginFailed, name);
    }));
    return InvalidCredentials();
  }
  SignedIn in;
  in.session_token = RandomHex(random_, 32);
  in.csrf_token = CsrfToken(in.session_token);
  Status stored = store_.Write([&](WriteTx& tx) -> Status {
    SID_TRY(tx.operators().DeleteAttempt(attempt_id));
    SID_TRY(tx.operators().ClearAttempts(name));
    // Disabled while its password was being checked: refused like any disabled operator.
    SID_ASSIGN_OR_RETURN(std::optional<Operator> current, tx.operators().Find(name));
    if (!current || current->state != OperatorState::kActive ||
        current->password_hash != op->password_hash)
      return InvalidCredentials();
    in.op = *current;
    SID_TRY(tx.operators().InsertSession(
        OperatorSession{SessionHash(in.session_token), name, now, now}));
    return audit::Record(tx, random_, now, actor, audit::kLogin, name);
  });
  if (!stored.ok()) return std::move(stored).error();
  return in;
}

Result<Operator> OperatorAuth::ActiveOperator(ReadTx& tx, const std::string& name) {
  SID_ASSIGN_OR_RETURN(std::optional<Operator> op, tx.operators().Find(name));
  if (!op || op->state != OperatorState::kActive) return Unauthorized();
  return std::move(*op);
}

Result<OperatorContext> OperatorAuth::Session(std::string_view session_token) {
  if (session_token.empty()) return Unauthorized();
  const std::string hash = SessionHash(session_token);
  const TimeMs now = clock_.Now();
  bool expired = false, touch = false;
  Result<OperatorContext> context =
      ReadValue<OperatorContext>(store_, [&](ReadTx& tx) -> Result<OperatorContext> {
        SID_ASSIGN_OR_RETURN(std::optional<OperatorSession> s, tx.operators().FindSession(hash));
        if (!s) return Unauthorized();
        if (now - s->last_seen_at >= options_.idle || now - s->created_at >= options_.absolute) {
          expired = true;
          return Unauthorized();
        }
        touch = now - s->last_seen_at >= options_.touch_interval;
        OperatorContext c;
        SID_ASSIGN_OR_RETURN(c.op, ActiveOperator(tx, s->operator_name));
        c.via = OperatorContext::Via::kSession;
        c.session_hash = hash;
        c.csrf_token = CsrfToken(session_token);
        return c;
      });
  if (expired || touch) {
    // Best effort: a failed touch or delete changes nothing about this request's answer.
    Status written = store_.Write([&](WriteTx& tx) {
      return expired ? tx.operators().DeleteSession(hash) : tx.operators().TouchSession(hash, now);
    });
    (void)written;
  }
  return context;
}

bool OperatorAuth::CsrfMatches(const OperatorContext& context, std::string_view given) const {
  return !context.csrf_token.empty() && crypto_.ConstantTimeEquals(given, context.csrf_token);
}

Result<OperatorContext> OperatorAuth::Bearer(std::string_view token) {
  if (token.empty()) return Unauthorized();
  const std::string hash = OperatorsService::TokenHash(crypto_, token);
  return ReadValue<OperatorContext>(store_, [&](ReadTx& tx) -> Result<OperatorContext> {
    SID_ASSIGN_OR_RETURN(std::optional<OperatorToken> t, tx.operators().FindToken(hash));
    if (!t) return Unauthorized();
    OperatorContext c;
    SID_ASSIGN_OR_RETURN(c.op, ActiveOperator(tx, t->operator_name));
    c.via = OperatorContext::Via::kBearer;
    return c;
  });
}

Status OperatorAuth::SignOut(const OperatorContext& context, std::string_view source) {
  const TimeMs now = clock_.Now();
  const Actor actor{context.op.name, std::string(source)};
  return store_.Write([&](WriteTx& tx) -> Status {
    if (context.via == OperatorContext::Via::kSession)
      SID_TRY(tx.operators().DeleteSession(context.session_hash));
    return audit::Record(tx, random_, now, actor, audit::kLogout, context.op.name);
  });
}

Result<int> OperatorAuth::Prune() {
  const TimeMs now = clock_.Now();
  return WriteValue<int>(store_, [&](WriteTx& tx) -> Result<int> {
    SID_ASSIGN_OR_RETURN(int sessions,
                         tx.operators().PruneSessions(now - options_.idle, now - options_.absolute));
    SID_ASSIGN_OR_RETURN(int attempts, tx.operators().PruneAttempts(now - options_.lockout_window));
    return sessions + attempts;
  });
}

}  // namespace senderid
