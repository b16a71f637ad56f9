#include "store/sqlite/sqlite_operators.h"

#include <string>
#include <utility>

namespace senderid::sqlite {
namespace {

constexpr const char* kOperatorColumns =
    "SELECT name, role, password_hash, state, date_created, date_updated FROM operators ";

Operator ReadOperatorRow(const Statement& st) {
  Operator op;
  op.name = st.Text(0);
  op.role = ParseOperatorRole(st.Text(1)).value_or(OperatorRole::kReviewer);
  op.password_hash = st.Text(2);
  op.state = ParseOperatorState(st.Text(3)).value_or(OperatorState::kDisabled);
  op.date_created = st.Int(4);
  op.date_updated = st.Int(5);
  return op;
}

}  // namespace

Result<std::optional<Operator>> SqliteOperators::Find(std::string_view name) {
  static const std::string sql = std::string(kOperatorColumns) + "WHERE name = ?";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, name);
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Operator>();
  return std::optional<Operator>(ReadOperatorRow(st));
}

Result<std::vector<Operator>> SqliteOperators::List() {
  static const std::string sql = std::string(kOperatorColumns) + "ORDER BY name";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  return st.Collect(ReadOperatorRow);
}

Result<std::optional<OperatorSession>> SqliteOperators::FindSession(std::string_view token_hash) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("SELECT token_hash, operator_name, created_at, last_seen_at "
                                     "FROM operator_sessions WHERE token_hash = ?"));
  st.BindBlob(1, token_hash);
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<OperatorSession>();
  return std::optional<OperatorSession>(
      OperatorSession{st.Blob(0), st.Text(1), st.Int(2), st.Int(3)});
}

Result<std::optional<OperatorToken>> SqliteOperators::FindToken(std::string_view token_hash) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("SELECT token_hash, operator_name, created_at FROM "
                                     "operator_tokens WHERE token_hash = ?"));
  st.BindBlob(1, token_hash);
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<OperatorToken>();
  return std::optional<OperatorToken>(OperatorToken{st.Blob(0), st.Text(1), st.Int(2)});
}

Result<std::vector<TimeMs>> SqliteOperators::AttemptTimes(std::string_view name,
                                                          std::string_view source, TimeMs since) {
  // Two statements, each served by its own index.
  SID_ASSIGN_OR_RETURN(
      Statement st,
      source.empty()
          ? conn_.Prepare("SELECT at FROM login_attempts WHERE name = ? AND at > ? ORDER BY at")
          : conn_.Prepare("SELECT at FROM login_attempts WHERE source = ? AND at > ? ORDER BY at"));
  st.Bind(1, source.empty() ? name : source).Bind(2, since);
  return st.Collect([](const Statement& row) { return row.Int(0); });
}

Status SqliteOperators::Insert(const Operator& op) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("INSERT INTO operators (name, role, password_hash, state, date_created, "
                    "date_updated) VALUES (?, ?, ?, ?, ?, ?)"));
  st.Bind(1, op.name).Bind(2, ToString(op.role)).Bind(3, op.password_hash);
  st.Bind(4, ToString(op.state)).Bind(5, op.date_created).Bind(6, op.date_updated);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteOperators::Update(const Operator& op) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("UPDATE operators SET role = ?, password_hash = ?, state = ?, "
                                     "date_updated = ? WHERE name = ?"));
  st.Bind(1, ToString(op.role)).Bind(2, op.password_hash).Bind(3, ToString(op.state));
  st.Bind(4, op.date_updated).Bind(5, op.name);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteOperators::InsertSession(const OperatorSession& s) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("INSERT INTO operator_sessions (token_hash, operator_name, "
                                     "created_at, last_seen_at) VALUES (?, ?, ?, ?)"));
  st.BindBlob(1, s.token_hash).Bind(2, s.operator_name).Bind(3, s.created_at);
  st.Bind(4, s.last_seen_at);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteOperators::TouchSession(std::string_view token_hash, TimeMs last_seen_at) {
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare("UPDATE operator_sessions SET last_seen_at = ? "
                                                   "WHERE token_hash = ?"));
  st.Bind(1, last_seen_at).BindBlob(2, token_hash);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteOperators::DeleteSession(std::string_view token_hash) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("DELETE FROM operator_sessions WHERE token_hash = ?"));
  st.BindBlob(1, token_hash);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteOperators::DeleteSessions(std::string_view operator_name) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("DELETE FROM operator_sessions WHERE operator_name = ?"));
  st.Bind(1, operator_name);
  SID_TRY(st.Run());
  return OkStatus();
}

Result<int> SqliteOperators::PruneSessions(TimeMs idle_before, TimeMs created_before) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("DELETE FROM operator_sessions WHERE last_seen_at < ? OR "
                                     "created_at < ?"));
  st.Bind(1, idle_before).Bind(2, created_before);
  return st.Run();
}

Status SqliteOperators::InsertToken(const OperatorToken& t) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("INSERT INTO operator_tokens (token_hash, operator_name, "
                                     "created_at) VALUES (?, ?, ?)"));
  st.BindBlob(1, t.token_hash).Bind(2, t.operator_name).Bind(3, t.created_at);
  SID_TRY(st.Run());
  return OkStatus();
}

Result<int> SqliteOperators::DeleteTokens(std::string_view operator_name) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("DELETE FROM operator_tokens WHERE operator_name = ?"));
  st.Bind(1, operator_name);
  return st.Run();
}

Status SqliteOperators::InsertAttempt(const LoginAttempt& a) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("INSERT INTO login_attempts (attempt_id, name, source, at) "
                                     "VALUES (?, ?, ?, ?)"));
  st.Bind(1, a.attempt_id).Bind(2, a.name).Bind(3, a.source).Bind(4, a.at);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteOperators::DeleteAttempt(std::string_view attempt_id) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("DELETE FROM login_attempts WHERE attempt_id = ?"));
  st.Bind(1, attempt_id);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteOperators::ClearAttempts(std::string_view name) {
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare("DELETE FROM login_attempts WHERE name = ?"));
  st.Bind(1, name);
  SID_TRY(st.Run());
  return OkStatus();
}

Result<int> SqliteOperators::PruneAttempts(TimeMs before) {
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare("DELETE FROM login_attempts WHERE at < ?"));
  st.Bind(1, before);
  return st.Run();
}

}  // namespace senderid::sqlite
