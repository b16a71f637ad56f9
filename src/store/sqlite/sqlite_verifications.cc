#include "store/sqlite/sqlite_verifications.h"

#include <utility>

namespace senderid::sqlite {

Result<std::optional<MfaTransaction>> SqliteVerifications::Find(std::string_view transaction_id) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("SELECT transaction_id, account_id, handle_key, phone_number, code_hash, "
                    "attempts_used, state, created_at, expires_at FROM mfa_transactions "
                    "WHERE transaction_id = ?"));
  st.Bind(1, transaction_id);
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<MfaTransaction>();
  MfaTransaction t;
  t.transaction_id = st.Text(0);
  t.account_id = st.Text(1);
  t.handle_key = st.Text(2);
  t.phone_number = st.Text(3);
  t.code_hash = st.Blob(4);
  t.attempts_used = static_cast<int>(st.Int(5));
  t.state = ParseMfaState(st.Text(6)).value_or(MfaState::kVoid);
  t.created_at = st.Int(7);
  t.expires_at = st.Int(8);
  return std::optional<MfaTransaction>(std::move(t));
}

Result<std::vector<TimeMs>> SqliteVerifications::CallTimes(std::string_view account_id,
                                                           std::string_view phone_number,
                                                           TimeMs since) {
  // Three literal statements rather than one with optional predicates, so each uses its index.
  const char* sql;
  if (!account_id.empty() && !phone_number.empty()) {
    sql = "SELECT created_at FROM mfa_transactions WHERE account_id = ?1 AND phone_number = ?2 "
          "AND created_at > ?3 ORDER BY created_at";
  } else if (!account_id.empty()) {
    sql = "SELECT created_at FROM mfa_transactions WHERE account_id = ?1 AND created_at > ?3 "
          "ORDER BY created_at";
  } else {
    sql = "SELECT created_at FROM mfa_transactions WHERE phone_number = ?2 AND created_at > ?3 "
          "ORDER BY created_at";
  }
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql));
  st.Bind(1, account_id).Bind(2, phone_number).Bind(3, since);
  return st.Collect([](const Statement& row) { return row.Int(0); });
}

Status SqliteVerifications::Insert(const MfaTransaction& t) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("INSERT INTO mfa_transactions (transaction_id, account_id, handle_key, "
                    "phone_number, code_hash, attempts_used, state, created_at, expires_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, t.transaction_id).Bind(2, t.account_id).Bind(3, t.handle_key).Bind(4, t.phone_number);
  st.BindBlob(5, t.code_hash).Bind(6, static_cast<int64_t>(t.attempts_used));
  st.Bind(7, ToString(t.state)).Bind(8, t.created_at).Bind(9, t.expires_at);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteVerifications::Update(const MfaTransaction& t) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("UPDATE mfa_transactions SET attempts_used = ?, state = ? "
                                     "WHERE transaction_id = ?"));
  st.Bind(1, static_cast<int64_t>(t.attempts_used)).Bind(2, ToString(t.state));
  st.Bind(3, t.transaction_id);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteVerifications::Delete(std::string_view transaction_id) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("DELETE FROM mfa_transactions WHERE transaction_id = ?"));
  st.Bind(1, transaction_id);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteVerifications::VoidOpen(std::string_view handle_key, std::string_view except) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("UPDATE mfa_transactions SET state = 'VOID' WHERE handle_key "
                                     "= ? AND state = 'OPEN' AND transaction_id <> ?"));
  st.Bind(1, handle_key).Bind(2, except);
  SID_TRY(st.Run());
  return OkStatus();
}

Result<int> SqliteVerifications::Prune(TimeMs before) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("DELETE FROM mfa_transactions WHERE created_at < ?"));
  st.Bind(1, before);
  return st.Run();
}

}  // namespace senderid::sqlite
