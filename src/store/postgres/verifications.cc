#include <utility>

#include "store/postgres/repositories.h"

namespace senderid::pg {

Result<std::optional<MfaTransaction>> PgVerifications::Find(std::string_view transaction_id) {
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query("SELECT transaction_id, account_id, handle_key, phone_number, code_hash, "
                       "attempts_used, state, created_at, expires_at FROM mfa_transactions "
                       "WHERE transaction_id = $1",
                       Params().Text(transaction_id)));
  if (r.size() == 0) return std::optional<MfaTransaction>();
  MfaTransaction t;
  t.transaction_id = r.Text(0, 0);
  t.account_id = r.Text(0, 1);
  t.handle_key = r.Text(0, 2);
  t.phone_number = r.Text(0, 3);
  t.code_hash = r.Bytes(0, 4);
  t.attempts_used = static_cast<int>(r.Int(0, 5));
  t.state = ParseMfaState(r.Text(0, 6)).value_or(MfaState::kVoid);
  t.created_at = r.Int(0, 7);
  t.expires_at = r.Int(0, 8);
  return std::optional<MfaTransaction>(std::move(t));
}

Result<std::vector<TimeMs>> PgVerifications::CallTimes(std::string_view account_id,
                                                       std::string_view phone_number,
                                                       TimeMs since) {
  // Three literal statements rather than one with optional predicates, so that each is planned
  // for its own index (and, under SERIALIZABLE, takes predicate locks on that index's range only).
  Result<Rows> r = !account_id.empty() && !phone_number.empty()
                       ? s_.Query(
                             "SELECT created_at FROM mfa_transactions WHERE account_id = $1 AND "
                             "phone_number = $2 AND created_at > $3 ORDER BY created_at",
                             Params().Text(account_id).Text(phone_number).Int(since))
                   : !account_id.empty()
                       ? s_.Query(
                             "SELECT created_at FROM mfa_transactions WHERE account_id = $1 AND "
                             "created_at > $2 ORDER BY created_at",
                             Params().Text(account_id).Int(since))
                       : s_.Query(
                             "SELECT created_at FROM mfa_transactions WHERE phone_number = $1 AND "
                             "created_at > $2 ORDER BY created_at",
                             Params().Text(phone_number).Int(since));
  if (!r.ok()) return std::move(r).error();
  std::vector<TimeMs> out;
  for (int i = 0; i < r->size(); ++i) out.push_back(r->Int(i, 0));
  return out;
}

Status PgVerifications::Insert(const MfaTransaction& t) {
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query("INSERT INTO mfa_transactions (transaction_id, account_id, handle_key, "
                       "phone_number, code_hash, attempts_used, state, created_at, expires_at) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
                       Params()
                           .Text(t.transaction_id)
                           .Text(t.account_id)
                           .Text(t.handle_key)
                           .Text(t.phone_number)
                           .Bytes(t.code_hash)
                           .Int(t.attempts_used)
                           .Text(ToString(t.state))
                           .Int(t.created_at)
                           .Int(t.expires_at)));
  if (r.affected() == 0)
    return Error(ErrorCode::kAlreadyExists, "transaction exists: " + t.transaction_id);
  return OkStatus();
}

Status PgVerifications::Update(const MfaTransaction& t) {
  SID_TRY(
      s_.Query("UPDATE mfa_transactions SET attempts_used = $1, state = $2 "
               "WHERE transaction_id = $3",
               Params().Int(t.attempts_used).Text(ToString(t.state)).Text(t.transaction_id)));
  return OkStatus();
}

Status PgVerifications::Delete(std::string_view transaction_id) {
  SID_TRY(s_.Query("DELETE FROM mfa_transactions WHERE transaction_id = $1",
                   Params().Text(transaction_id)));
  return OkStatus();
}

Status PgVerifications::VoidOpen(std::string_view handle_key, std::string_view except) {
  SID_TRY(
      s_.Query("UPDATE mfa_transactions SET state = 'VOID' WHERE handle_key = $1 AND "
               "state = 'OPEN' AND transaction_id <> $2",
               Params().Text(handle_key).Text(except)));
  return OkStatus();
}

Result<int> PgVerifications::Prune(TimeMs before) {
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query("DELETE FROM mfa_transactions WHERE created_at < $1", Params().Int(before)));
  return static_cast<int>(r.affected());
}

}  // namespace senderid::pg
