#include <utility>

#include "store/postgres/repositories.h"

namespace senderid::pg {
namespace {

#define SID_OPERATOR_COLUMNS \
  "SELECT name, role, password_hash, state, date_created, date_updated FROM operators "

Operator ReadOperator(const Rows& r, int i) {
  Operator op;
  op.name = r.Text(i, 0);
  op.role = ParseOperatorRole(r.Text(i, 1)).value_or(OperatorRole::kReviewer);
  op.password_hash = r.Text(i, 2);
  op.state = ParseOperatorState(r.Text(i, 3)).value_or(OperatorState::kDisabled);
  op.date_created = r.Int(i, 4);
  op.date_updated = r.Int(i, 5);
  return op;
}

std::vector<TimeMs> ReadTimes(const Rows& r) {
  std::vector<TimeMs> out;
  out.reserve(static_cast<size_t>(r.size()));
  for (int i = 0; i < r.size(); ++i) out.push_back(r.Int(i, 0));
  return out;
}

}  // namespace

Result<std::optional<Operator>> PgOperators::Find(std::string_view name) {
  SID_ASSIGN_OR_RETURN(Rows r,
                       s_.Query(SID_OPERATOR_COLUMNS "WHERE name = $1", Params().Text(name)));
  if (r.size() == 0) return std::optional<Operator>();
  return std::optional<Operator>(ReadOperator(r, 0));
}

Result<std::vector<Operator>> PgOperators::List() {
  SID_ASSIGN_OR_RETURN(Rows r, s_.Query(SID_OPERATOR_COLUMNS "ORDER BY name"));
  std::vector<Operator> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(ReadOperator(r, i));
  return out;
}

Result<std::optional<OperatorSession>> PgOperators::FindSession(std::string_view token_hash) {
  SID_ASSIGN_OR_RETURN(Rows r, s_.Query("SELECT token_hash, operator_name, created_at, "
                                        "last_seen_at FROM operator_sessions "
                                        "WHERE token_hash = $1",
                                        Params().Bytes(token_hash)));
  if (r.size() == 0) return std::optional<OperatorSession>();
  return std::optional<OperatorSession>(
      OperatorSession{r.Bytes(0, 0), r.Text(0, 1), r.Int(0, 2), r.Int(0, 3)});
}

Result<std::optional<OperatorToken>> PgOperators::FindToken(std::string_view token_hash) {
  SID_ASSIGN_OR_RETURN(Rows r, s_.Query("SELECT token_hash, operator_name, created_at FROM "
                                        "operator_tokens WHERE token_hash = $1",
                                        Params().Bytes(token_hash)));
  if (r.size() == 0) return std::optional<OperatorToken>();
  return std::optional<OperatorToken>(OperatorToken{r.Bytes(0, 0), r.Text(0, 1), r.Int(0, 2)});
}

Result<std::vector<TimeMs>> PgOperators::AttemptTimes(std::string_view name,
                                                      std::string_view source, TimeMs since) {
  // Two statements, each planned on its own index. Read in the serialisable transaction that
  // inserts the next attempt: two sign-ins racing past the same count conflict, and one reruns.
  Result<Rows> r =
      source.empty()
          ? s_.Query("SELECT at FROM login_attempts WHERE name = $1 AND at > $2 ORDER BY at",
                     Params().Text(name).Int(since))
          : s_.Query("SELECT at FROM login_attempts WHERE source = $1 AND at > $2 ORDER BY at",
                     Params().Text(source).Int(since));
  if (!r.ok()) return std::move(r).error();
  return ReadTimes(*r);
}

Status PgOperators::Insert(const Operator& op) {
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query("INSERT INTO operators (name, role, password_hash, state, date_created, "
                       "date_updated) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                       Params()
                           .Text(op.name)
                           .Text(ToString(op.role))
                           .Text(op.password_hash)
                           .Text(ToString(op.state))
                           .Int(op.date_created)
                           .Int(op.date_updated)));
  if (r.affected() == 0) return Error(ErrorCode::kAlreadyExists, "operator exists: " + op.name);
  return OkStatus();
}

Status PgOperators::Update(const Operator& op) {
  SID_TRY(s_.Query("UPDATE operators SET role = $1, password_hash = $2, state = $3, "
                   "date_updated = $4 WHERE name = $5",
                   Params()
                       .Text(ToString(op.role))
                       .Text(op.password_hash)
                       .Text(ToString(op.state))
                       .Int(op.date_updated)
                       .Text(op.name)));
  return OkStatus();
}

Status PgOperators::InsertSession(const OperatorSession& s) {
  // An unknown operator fails the foreign key: the transaction is aborted (kInternalError).
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query("INSERT INTO operator_sessions (token_hash, operator_name, created_at, "
                       "last_seen_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                       Params()
                           .Bytes(s.token_hash)
                           .Text(s.operator_name)
                           .Int(s.created_at)
                           .Int(s.last_seen_at)));
  if (r.affected() == 0) return Error(ErrorCode::kAlreadyExists, "session exists");
  return OkStatus();
}

Status PgOperators::TouchSession(std::string_view token_hash, TimeMs last_seen_at) {
  SID_TRY(s_.Query("UPDATE operator_sessions SET last_seen_at = $1 WHERE token_hash = $2",
                   Params().Int(last_seen_at).Bytes(token_hash)));
  return OkStatus();
}

Status PgOperators::DeleteSession(std::string_view token_hash) {
  SID_TRY(s_.Query("DELETE FROM operator_sessions WHERE token_hash = $1",
                   Params().Bytes(token_hash)));
  return OkStatus();
}

Status PgOperators::DeleteSessions(std::string_view operator_name) {
  SID_TRY(s_.Query("DELETE FROM operator_sessions WHERE operator_name = $1",
                   Params().Text(operator_name)));
  return OkStatus();
}

Result<int> PgOperators::PruneSessions(TimeMs idle_before, TimeMs created_before) {
  SID_ASSIGN_OR_RETURN(Rows r, s_.Query("DELETE FROM operator_sessions WHERE last_seen_at < $1 "
                                        "OR created_at < $2",
                                        Params().Int(idle_before).Int(created_before)));
  return static_cast<int>(r.affected());
}

Status PgOperators::InsertToken(const OperatorToken& t) {
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query("INSERT INTO operator_tokens (token_hash, operator_name, created_at) "
                       "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                       Params().Bytes(t.token_hash).Text(t.operator_name).Int(t.created_at)));
  if (r.affected() == 0) return Error(ErrorCode::kAlreadyExists, "token exists");
  return OkStatus();
}

Result<int> PgOperators::DeleteTokens(std::string_view operator_name) {
  SID_ASSIGN_OR_RETURN(Rows r, s_.Query("DELETE FROM operator_tokens WHERE operator_name = $1",
                                        Params().Text(operator_name)));
  return static_cast<int>(r.affected());
}

Status PgOperators::InsertAttempt(const LoginAttempt& a) {
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query("INSERT INTO login_attempts (attempt_id, name, source, at) "
                       "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                       Params().Text(a.attempt_id).Text(a.name).Text(a.source).Int(a.at)));
  if (r.affected() == 0)
    return Error(ErrorCode::kAlreadyExists, "attempt exists: " + a.attempt_id);
  return OkStatus();
}

Status PgOperators::DeleteAttempt(std::string_view attempt_id) {
  SID_TRY(s_.Query("DELETE FROM login_attempts WHERE attempt_id = $1",
                   Params().Text(attempt_id)));
  return OkStatus();
}

Status PgOperators::ClearAttempts(std::string_view name) {
  SID_TRY(s_.Query("DELETE FROM login_attempts WHERE name = $1", Params().Text(name)));
  return OkStatus();
}

Result<int> PgOperators::PruneAttempts(TimeMs before) {
  SID_ASSIGN_OR_RETURN(Rows r,
                       s_.Query("DELETE FROM login_attempts WHERE at < $1", Params().Int(before)));
  return static_cast<int>(r.affected());
}

}  // namespace senderid::pg
