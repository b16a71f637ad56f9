#include "core/services/operators_service.h"

#include <utility>

#include "core/audit.h"
#include "core/bounds.h"
#include "core/catalogue.h"
#include "core/ids.h"

namespace senderid {
namespace {

// Generated passwords: 20 characters without look-alikes (no 0/O, 1/l/I), ~115 bits.
constexpr std::string_view kPasswordAlphabet =
    "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
constexpr std::string_view kTokenPrefix = "sidop_";

Error NoOperator(std::string_view name) {
  return Error(ErrorCode::kNotFound, "no operator " + std::string(name));
}

Result<Operator> MustFind(WriteTx& tx, std::string_view name) {
  SID_ASSIGN_OR_RETURN(std::optional<Operator> op, tx.operators().Find(name));
  if (!op) return NoOperator(name);
  return std::move(*op);
}

}  // namespace

OperatorsService::OperatorsService(Store& store, const Crypto& crypto, const Clock& clock,
                                   Random& random)
    : store_(store), crypto_(crypto), clock_(clock), random_(random) {}

std::string OperatorsService::TokenHash(const Crypto& crypto, std::string_view token) {
  return crypto.KeyedHash("operator-token", token);
}

Result<std::string> OperatorsService::NewPasswordHash(std::string& password) {
  if (password.empty()) password = RandomString(random_, 20, kPasswordAlphabet);
  if (bounds::CodePoints(password) < kMinPasswordChars || password.size() > kMaxPasswordBytes)
    return Error(ErrorCode::kValidationError, std::string(text::admin::kPasswordTooShort));
  return crypto_.HashPassword(password);
}

Result<OperatorCredentials> OperatorsService::Create(std::string_view name, OperatorRole role,
                                                     std::optional<std::string> password,
                                                     const Actor& actor) {
  if (!IsOperatorName(name))
    return Error(ErrorCode::kValidationError, std::string(text::admin::kOperatorName));
  std::string plain = password.value_or("");
  if (password && plain.empty())
    return Error(ErrorCode::kValidationError, std::string(text::admin::kPasswordTooShort));
  SID_ASSIGN_OR_RETURN(std::string hash, NewPasswordHash(plain));
  const TimeMs now = clock_.Now();
  SID_TRY(store_.Write([&](WriteTx& tx) -> Status {
    Operator op;
    op.name = std::string(name);
    op.role = role;
    op.password_hash = hash;
    op.date_created = now;
    op.date_updated = now;
    Status inserted = tx.operators().Insert(op);
    if (!inserted.ok() && inserted.error().code == ErrorCode::kAlreadyExists)
      return Error(ErrorCode::kAlreadyRegistered, std::string(text::admin::kOperatorExists));
    SID_TRY(inserted);
    return audit::Record(tx, random_, now, actor, audit::kOperatorCreate, op.name,
                         std::string(ToString(role)));
  }));
  return OperatorCredentials{std::string(name), role, std::move(plain)};
}

Result<std::vector<Operator>> OperatorsService::List() {
  return ReadValue<std::vector<Operator>>(
      store_, [](ReadTx& tx) { return tx.operators().List(); });
}

Result<Operator> OperatorsService::SetState(std::string_view name, OperatorState state,
                                            const Actor& actor) {
  const TimeMs now = clock_.Now();
  return WriteValue<Operator>(store_, [&](WriteTx& tx) -> Result<Operator> {
    SID_ASSIGN_OR_RETURN(Operator op, MustFind(tx, name));
    if (op.state != state) {
      op.state = state;
      op.date_updated = now;
      SID_TRY(tx.operators().Update(op));
    }
    if (state == OperatorState::kDisabled) {
      // Ended for good: enabling the operator again does not bring them back (SPEC §13).
      SID_TRY(tx.operators().DeleteSessions(op.name));
      SID_ASSIGN_OR_RETURN(int tokens, tx.operators().DeleteTokens(op.name));
      (void)tokens;
    } else {
      SID_TRY(tx.operators().ClearAttempts(op.name));
    }
    SID_TRY(audit::Record(tx, random_, now, actor,
                          state == OperatorState::kDisabled ? audit::kOperatorDisable
                                                            : audit::kOperatorEnable,
                          op.name));
    return op;
  });
}

Result<Operator> OperatorsService::Disable(std::string_view name, const Actor& actor) {
  return SetState(name, OperatorState::kDisabled, actor);
}

Result<Operator> OperatorsService::Enable(std::string_view name, const Actor& actor) {
  return SetState(name, OperatorState::kActive, actor);
}

Result<OperatorCredentials> OperatorsService::ResetPassword(std::string_view name,
                                                            const Actor& actor) {
  // Known before the slow hash, so that a typo answers at once.
  SID_ASSIGN_OR_RETURN(std::optional<Operator> known,
                       ReadValue<std::optional<Operator>>(
                           store_, [&](ReadTx& tx) { return tx.operators().Find(name); }));
  if (!known) return NoOperator(name);
  std::string plain;
  SID_ASSIGN_OR_RETURN(std::string hash, NewPasswordHash(plain));
  const TimeMs now = clock_.Now();
  SID_ASSIGN_OR_RETURN(Operator op, WriteValue<Operator>(store_, [&](WriteTx& tx) -> Result<Operator> {
    SID_ASSIGN_OR_RETURN(Operator found, MustFind(tx, name));
    found.password_hash = hash;
    found.date_updated = now;
    SID_TRY(tx.operators().Update(found));
    SID_TRY(tx.operators().DeleteSessions(found.name));
    SID_TRY(tx.operators().ClearAttempts(found.name));
    SID_TRY(audit::Record(tx, random_, now, actor, audit::kOperatorResetPassword, found.name));
    return found;
  }));
  return OperatorCredentials{op.name, op.role, std::move(plain)};
}

Result<IssuedToken> OperatorsService::IssueToken(std::string_view name, const Actor& actor) {
  const TimeMs now = clock_.Now();
  std::string token = std::string(kTokenPrefix) + RandomString(random_, 43, kPasswordAlphabet);
  SID_TRY(store_.Write([&](WriteTx& tx) -> Status {
    SID_ASSIGN_OR_RETURN(Operator op, MustFind(tx, name));
    if (op.state != OperatorState::kActive)
      return Error(ErrorCode::kValidationError, "operator " + op.name + " is disabled");
    SID_TRY(tx.operators().InsertToken(OperatorToken{TokenHash(crypto_, token), op.name, now}));
    return audit::Record(tx, random_, now, actor, audit::kOperatorToken, op.name);
  }));
  return IssuedToken{std::string(name), std::move(token)};
}

Result<int> OperatorsService::RevokeTokens(std::string_view name, const Actor& actor) {
  const TimeMs now = clock_.Now();
  return WriteValue<int>(store_, [&](WriteTx& tx) -> Result<int> {
    SID_ASSIGN_OR_RETURN(Operator op, MustFind(tx, name));
    SID_ASSIGN_OR_RETURN(int revoked, tx.operators().DeleteTokens(op.name));
    SID_TRY(audit::Record(tx, random_, now, actor, audit::kOperatorRevokeToken, op.name));
    return revoked;
  });
}

}  // namespace senderid
