#include "store/sqlite/sqlite_tx.h"

#include <unordered_map>

namespace senderid::sqlite {
namespace {

ActiveState ParseState(const std::string& s) {
  return s == "ACTIVE" ? ActiveState::kActive : ActiveState::kInactive;
}

VerificationMethod ParseMethod(const std::optional<std::string>& s) {
  if (!s) return VerificationMethod::kNone;
  return *s == "ARS" ? VerificationMethod::kArs : VerificationMethod::kDocument;
}

std::optional<std::string> MethodColumn(VerificationMethod m) {
  if (m == VerificationMethod::kNone) return std::nullopt;
  return std::string(ToString(m));
}

constexpr const char* kSenderIdColumns =
    "SELECT handle_key, account_id, phone_number, status, method, expire_at, duplicate_unlocked, "
    "date_created, date_updated FROM sender_ids ";

SenderId ReadSenderIdRow(const Statement& st) {
  SenderId e;
  e.handle_key = st.Text(0);
  e.account_id = st.Text(1);
  e.phone_number = st.Text(2);
  e.status = ParseNumberStatus(st.Text(3)).value_or(NumberStatus::kPending);
  e.method = ParseMethod(st.OptionalText(4));
  e.expire_at = st.OptionalInt(5);
  e.duplicate_unlocked = st.Int(6) != 0;
  e.date_created = st.Int(7);
  e.date_updated = st.Int(8);
  return e;
}

Result<std::vector<SenderId>> ReadSenderIdRows(Statement& st) { return st.Collect(ReadSenderIdRow); }

}  // namespace

Result<std::optional<Account>> SqliteTx::FindAccount(std::string_view account_id) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("SELECT account_id, name, limit_count, state, date_created, "
                                     "date_updated FROM accounts WHERE account_id = ?"));
  st.Bind(1, account_id);
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Account>();
  Account a;
  a.account_id = st.Text(0);
  a.name = st.Text(1);
  a.limit = static_cast<int>(st.Int(2));
  a.state = ParseState(st.Text(3));
  a.date_created = st.Int(4);
  a.date_updated = st.Int(5);
  return std::optional<Account>(std::move(a));
}

Result<std::optional<StoredApiKey>> SqliteTx::FindApiKey(std::string_view api_key) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("SELECT api_key, account_id, sealed_secret, scopes, state, "
                                     "date_created FROM api_keys WHERE api_key = ?"));
  st.Bind(1, api_key);
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<StoredApiKey>();
  StoredApiKey k;
  k.api_key = st.Text(0);
  k.account_id = st.Text(1);
  k.sealed_secret = st.Blob(2);
  k.scopes = static_cast<unsigned>(st.Int(3));
  k.state = ParseState(st.Text(4));
  k.date_created = st.Int(5);
  return std::optional<StoredApiKey>(std::move(k));
}

Status SqliteTx::LoadDetails(std::vector<SenderId>& entries) {
  if (entries.empty()) return OkStatus();
  std::unordered_map<std::string, SenderId*> by_key;
  for (SenderId& e : entries) by_key.emplace(e.handle_key, &e);
  // All entries of one call belong to one account (or are one entry): fetch their logs at once.
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("SELECT l.handle_key, l.create_at, l.message FROM sender_id_logs l "
                    "JOIN sender_ids s ON s.handle_key = l.handle_key "
                    "WHERE s.account_id = ? ORDER BY l.handle_key, l.seq"));
  st.Bind(1, entries.front().account_id);
  for (;;) {
    SID_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    auto it = by_key.find(st.Text(0));
    if (it != by_key.end()) it->second->log.push_back({st.Int(1), st.Text(2)});
  }
  ReviewFilter filter;
  filter.account_id = entries.front().account_id;
  if (entries.size() == 1) filter.handle_key = entries.front().handle_key;
  SID_ASSIGN_OR_RETURN(std::vector<ReviewRequest> requests, ListReviewRequests(filter));
  for (ReviewRequest& r : requests) {
    auto it = by_key.find(r.handle_key);
    if (it == by_key.end()) continue;
    if (r.kind == ReviewKind::kApproval) it->second->approvals.push_back(std::move(r));
    else if (r.kind == ReviewKind::kDuplicate) it->second->unlock = std::move(r);  // latest wins
  }
  return OkStatus();
}

Result<std::vector<SenderId>> SqliteTx::ListSenderIds(std::string_view account_id) {
  static const std::string sql =
      std::string(kSenderIdColumns) + "WHERE account_id = ? ORDER BY date_created, handle_key";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, account_id);
  SID_ASSIGN_OR_RETURN(std::vector<SenderId> entries, ReadSenderIdRows(st));
  SID_TRY(LoadDetails(entries));
  return entries;
}

Result<std::optional<SenderId>> SqliteTx::FindSenderId(std::string_view account_id,
                                                       std::string_view phone_number) {
  static const std::string sql =
      std::string(kSenderIdColumns) + "WHERE account_id = ? AND phone_number = ?";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, account_id).Bind(2, phone_number);
  SID_ASSIGN_OR_RETURN(std::vector<SenderId> entries, ReadSenderIdRows(st));
  if (entries.empty()) return std::optional<SenderId>();
  SID_TRY(LoadDetails(entries));
  return std::optional<SenderId>(std::move(entries.front()));
}

Result<std::vector<SenderId>> SqliteTx::ListSenderIdsByNumber(std::string_view phone_number) {
  static const std::string sql =
      std::string(kSenderIdColumns) + "WHERE phone_number = ? ORDER BY date_created, handle_key";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, phone_number);
  return ReadSenderIdRows(st);
}

Result<int> SqliteTx::CountSenderIds(std::string_view account_id) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("SELECT count(*) FROM sender_ids WHERE account_id = ?"));
  st.Bind(1, account_id);
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? static_cast<int>(st.Int(0)) : 0;
}

Result<std::vector<std::string>> SqliteTx::ListActiveNumbers(std::string_view account_id,
                                                             TimeMs now) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("SELECT phone_number FROM sender_ids WHERE account_id = ? AND status = 'ACTIVE' "
                    "AND (expire_at IS NULL OR expire_at > ?) ORDER BY date_created, handle_key"));
  st.Bind(1, account_id).Bind(2, now);
  return st.Collect([](const Statement& row) { return row.Text(0); });
}

Result<bool> SqliteTx::HasDueExpiries(std::string_view account_id, TimeMs now) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("SELECT 1 FROM sender_ids WHERE account_id = ? AND expire_at <= ? "
                    "AND status IN ('PENDING', 'ACTIVE', 'INACTIVE') LIMIT 1"));
  st.Bind(1, account_id).Bind(2, now);
  return st.Step();
}

Result<std::vector<std::string>> SqliteTx::AccountsWithDueExpiries(TimeMs now, int max) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("SELECT DISTINCT account_id FROM sender_ids WHERE expire_at <= ? "
                    "AND status IN ('PENDING', 'ACTIVE', 'INACTIVE') LIMIT ?"));
  st.Bind(1, now).Bind(2, static_cast<int64_t>(max));
  return st.Collect([](const Statement& row) { return row.Text(0); });
}

Result<bool> SqliteTx::IsSpecialNumberAllowed(std::string_view account_id,
                                              std::string_view phone_number) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("SELECT 1 FROM special_numbers WHERE account_id = ? AND "
                                     "phone_number = ?"));
  st.Bind(1, account_id).Bind(2, phone_number);
  return st.Step();
}

Status SqliteTx::InsertAccount(const Account& a) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("INSERT INTO accounts (account_id, name, limit_count, state, date_created, "
                    "date_updated) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"));
  st.Bind(1, a.account_id).Bind(2, a.name).Bind(3, static_cast<int64_t>(a.limit));
  st.Bind(4, ToString(a.state)).Bind(5, a.date_created).Bind(6, a.date_updated);
  SID_ASSIGN_OR_RETURN(int changed, st.Run());
  if (changed == 0) return Error(ErrorCode::kConflict, "account exists: " + a.account_id);
  return OkStatus();
}

Status SqliteTx::UpdateAccount(const Account& a) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("UPDATE accounts SET name = ?, limit_count = ?, state = ?, "
                                     "date_updated = ? WHERE account_id = ?"));
  st.Bind(1, a.name).Bind(2, static_cast<int64_t>(a.limit)).Bind(3, ToString(a.state));
  st.Bind(4, a.date_updated).Bind(5, a.account_id);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteTx::InsertApiKey(const StoredApiKey& k) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("INSERT INTO api_keys (api_key, account_id, sealed_secret, scopes, state, "
                    "date_created) VALUES (?, ?, ?, ?, ?, ?)"));
  st.Bind(1, k.api_key).Bind(2, k.account_id).BindBlob(3, k.sealed_secret);
  st.Bind(4, static_cast<int64_t>(k.scopes)).Bind(5, ToString(k.state)).Bind(6, k.date_created);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteTx::UpdateApiKeyState(std::string_view api_key, ActiveState state) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("UPDATE api_keys SET state = ? WHERE api_key = ?"));
  st.Bind(1, ToString(state)).Bind(2, api_key);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteTx::InsertSenderId(const SenderId& e) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("INSERT INTO sender_ids (handle_key, account_id, phone_number, status, method, "
                    "expire_at, duplicate_unlocked, date_created, date_updated) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, e.handle_key).Bind(2, e.account_id).Bind(3, e.phone_number).Bind(4, ToString(e.status));
  const std::optional<std::string> method = MethodColumn(e.method);
  if (method) st.Bind(5, *method); else st.BindNull(5);
  st.Bind(6, e.expire_at).Bind(7, static_cast<int64_t>(e.duplicate_unlocked));
  st.Bind(8, e.date_created).Bind(9, e.date_updated);
  SID_TRY(st.Run());
  for (const LogEntry& line : e.log) SID_TRY(AppendLog(e.handle_key, line));
  return OkStatus();
}

Status SqliteTx::UpdateSenderId(const SenderId& e) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("UPDATE sender_ids SET status = ?, method = ?, expire_at = ?, "
                    "duplicate_unlocked = ?, date_updated = ? WHERE handle_key = ?"));
  st.Bind(1, ToString(e.status));
  const std::optional<std::string> method = MethodColumn(e.method);
  if (method) st.Bind(2, *method); else st.BindNull(2);
  st.Bind(3, e.expire_at).Bind(4, static_cast<int64_t>(e.duplicate_unlocked));
  st.Bind(5, e.date_updated).Bind(6, e.handle_key);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteTx::AppendLog(std::string_view handle_key, const LogEntry& entry) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("INSERT INTO sender_id_logs (handle_key, seq, create_at, message) VALUES "
                    "(?1, (SELECT coalesce(max(seq), 0) + 1 FROM sender_id_logs WHERE handle_key = "
                    "?1), ?2, ?3)"));
  st.Bind(1, handle_key).Bind(2, entry.create_at).Bind(3, entry.message);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteTx::DeleteSenderId(std::string_view handle_key) {
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare("DELETE FROM sender_ids WHERE handle_key = ?"));
  st.Bind(1, handle_key);
  SID_TRY(st.Run());
  return OkStatus();
}

Result<bool> SqliteTx::RecordSignature(std::string_view signature, TimeMs keep_until) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("INSERT INTO replay.used_signatures (signature, keep_until) VALUES "
                                     "(?, ?) ON CONFLICT DO NOTHING"));
  // Sound only because keep_until is a function of the signed date text (see the migration).
  st.Bind(1, signature).Bind(2, keep_until);
  SID_ASSIGN_OR_RETURN(int changed, st.Run());
  return changed == 1;
}

Result<int> SqliteTx::PruneSignatures(TimeMs now) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("DELETE FROM replay.used_signatures WHERE keep_until < ?"));
  st.Bind(1, now);
  return st.Run();
}

Status SqliteTx::AllowSpecialNumber(std::string_view account_id, std::string_view phone_number,
                                    TimeMs now) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("INSERT INTO special_numbers (account_id, phone_number, "
                                     "date_created) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"));
  st.Bind(1, account_id).Bind(2, phone_number).Bind(3, now);
  SID_TRY(st.Run());
  return OkStatus();
}

Result<std::optional<MfaTransaction>> SqliteTx::FindMfaTransaction(
    std::string_view transaction_id) {
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

Result<std::vector<TimeMs>> SqliteTx::ListCallTimes(std::string_view account_id,
                                                    std::string_view phone_number, TimeMs since) {
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

Status SqliteTx::InsertMfaTransaction(const MfaTransaction& t) {
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

Status SqliteTx::UpdateMfaTransaction(const MfaTransaction& t) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("UPDATE mfa_transactions SET attempts_used = ?, state = ? "
                                     "WHERE transaction_id = ?"));
  st.Bind(1, static_cast<int64_t>(t.attempts_used)).Bind(2, ToString(t.state));
  st.Bind(3, t.transaction_id);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteTx::DeleteMfaTransaction(std::string_view transaction_id) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("DELETE FROM mfa_transactions WHERE transaction_id = ?"));
  st.Bind(1, transaction_id);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteTx::VoidOpenMfaTransactions(std::string_view handle_key, std::string_view except) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("UPDATE mfa_transactions SET state = 'VOID' WHERE handle_key "
                                     "= ? AND state = 'OPEN' AND transaction_id <> ?"));
  st.Bind(1, handle_key).Bind(2, except);
  SID_TRY(st.Run());
  return OkStatus();
}

Result<int> SqliteTx::PruneMfaTransactions(TimeMs before) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("DELETE FROM mfa_transactions WHERE created_at < ?"));
  st.Bind(1, before);
  return st.Run();
}

namespace {

constexpr const char* kReviewColumns =
    "SELECT request_id, kind, account_id, handle_key, phone_number, status, reason, "
    "reason_for_requested, contact_name, limit_requested, limit_before_request, decided_by, "
    "date_decided, date_created, date_updated FROM review_requests ";

ReviewRequest ReadReviewRow(const Statement& st) {
  ReviewRequest r;
  r.request_id = st.Text(0);
  r.kind = ParseReviewKind(st.Text(1)).value_or(ReviewKind::kApproval);
  r.account_id = st.Text(2);
  r.handle_key = st.Text(3);
  r.phone_number = st.Text(4);
  r.status = ParseRequestStatus(st.Text(5)).value_or(RequestStatus::kPending);
  r.reason = st.OptionalText(6);
  r.reason_for_requested = st.Text(7);
  r.contact_name = st.Text(8);
  r.limit_requested = static_cast<int>(st.Int(9));
  r.limit_before_request = static_cast<int>(st.Int(10));
  r.decided_by = st.OptionalText(11);
  r.date_decided = st.OptionalInt(12);
  r.date_created = st.Int(13);
  r.date_updated = st.Int(14);
  return r;
}

constexpr const char* kDocumentColumns =
    "SELECT d.document_id, d.account_id, d.name, d.original_name, d.category, d.content_type, "
    "d.size, d.date_created, EXISTS (SELECT 1 FROM review_documents rd WHERE rd.document_id = "
    "d.document_id AND rd.released = 0) AS in_use FROM documents d ";

Document ReadDocumentRow(const Statement& st) {
  Document d;
  d.document_id = st.Text(0);
  d.account_id = st.Text(1);
  d.name = st.Text(2);
  d.original_name = st.Text(3);
  d.category = st.Text(4);
  d.content_type = st.Text(5);
  d.size = st.Int(6);
  d.date_created = st.Int(7);
  d.use = st.Int(8) != 0;
  return d;
}

}  // namespace

Status SqliteTx::LoadRequestDocuments(std::vector<ReviewRequest>& requests) {
  for (ReviewRequest& r : requests) {
    SID_ASSIGN_OR_RETURN(Statement st,
                         conn_.Prepare("SELECT document_id FROM review_documents WHERE "
                                       "request_id = ? ORDER BY position"));
    st.Bind(1, r.request_id);
    SID_ASSIGN_OR_RETURN(r.documents,
                         st.Collect([](const Statement& row) { return row.Text(0); }));
  }
  return OkStatus();
}

Result<std::vector<ReviewRequest>> SqliteTx::ListReviewRequests(const ReviewFilter& f) {
  // Two statements, so that the per-account listing (every AccountDoc) seeks the account's rows by
  // index: an "(? = '' OR account_id = ?)" predicate would make SQLite scan the whole table.
  static const std::string by_account =
      std::string(kReviewColumns) +
      "WHERE account_id = ?3 AND (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR kind = ?2) "
      "AND (?4 = '' OR handle_key = ?4) ORDER BY date_created, request_id";
  static const std::string by_status =
      std::string(kReviewColumns) +
      "WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR kind = ?2) "
      "AND (?4 = '' OR handle_key = ?4) AND ?3 = '' ORDER BY date_created, request_id";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(f.account_id.empty() ? by_status.c_str()
                                                                        : by_account.c_str()));
  if (f.status) st.Bind(1, ToString(*f.status)); else st.BindNull(1);
  if (f.kind) st.Bind(2, ToString(*f.kind)); else st.BindNull(2);
  st.Bind(3, f.account_id).Bind(4, f.handle_key);
  SID_ASSIGN_OR_RETURN(std::vector<ReviewRequest> out, st.Collect(ReadReviewRow));
  SID_TRY(LoadRequestDocuments(out));
  return out;
}

Result<std::optional<ReviewRequest>> SqliteTx::FindReviewRequest(std::string_view request_id) {
  static const std::string sql = std::string(kReviewColumns) + "WHERE request_id = ?";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, request_id);
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<ReviewRequest>();
  std::vector<ReviewRequest> one{ReadReviewRow(st)};
  SID_TRY(LoadRequestDocuments(one));
  return std::optional<ReviewRequest>(std::move(one.front()));
}

Result<std::optional<Document>> SqliteTx::FindDocument(std::string_view account_id,
                                                       std::string_view document_id) {
  static const std::string sql =
      std::string(kDocumentColumns) + "WHERE d.account_id = ? AND d.document_id = ?";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, account_id).Bind(2, document_id);
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Document>();
  return std::optional<Document>(ReadDocumentRow(st));
}

Result<std::vector<Document>> SqliteTx::ListDocuments(std::string_view account_id,
                                                      const DocumentFilter& f) {
  static const std::string sql =
      "SELECT * FROM (" + std::string(kDocumentColumns) +
      "WHERE d.account_id = ?1 AND (?2 IS NULL OR d.document_id = ?2) "
      "AND (?3 IS NULL OR d.date_created >= ?3) AND (?4 IS NULL OR d.date_created <= ?4) "
      "AND (?5 IS NULL OR d.category = ?5) AND (?6 IS NULL OR d.document_id <= ?6)) "
      "WHERE (?7 IS NULL OR in_use = ?7) ORDER BY document_id DESC LIMIT ?8";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, account_id);
  if (f.document_id) st.Bind(2, *f.document_id); else st.BindNull(2);
  st.Bind(3, f.created_from).Bind(4, f.created_to);
  if (f.category) st.Bind(5, *f.category); else st.BindNull(5);
  if (f.start_key) st.Bind(6, *f.start_key); else st.BindNull(6);
  if (f.use) st.Bind(7, static_cast<int64_t>(*f.use)); else st.BindNull(7);
  st.Bind(8, static_cast<int64_t>(f.limit));
  return st.Collect(ReadDocumentRow);
}

Result<bool> SqliteTx::DocumentNameExists(std::string_view name) {
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare("SELECT 1 FROM documents WHERE name = ?"));
  st.Bind(1, name);
  return st.Step();
}

Status SqliteTx::InsertDocument(const Document& d) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("INSERT INTO documents (document_id, account_id, name, original_name, "
                    "category, content_type, size, date_created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, d.document_id).Bind(2, d.account_id).Bind(3, d.name).Bind(4, d.original_name);
  st.Bind(5, d.category).Bind(6, d.content_type).Bind(7, d.size).Bind(8, d.date_created);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteTx::DeleteDocument(std::string_view document_id) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("DELETE FROM documents WHERE document_id = ?"));
  st.Bind(1, document_id);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteTx::InsertReviewRequest(const ReviewRequest& r) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("INSERT INTO review_requests (request_id, kind, account_id, handle_key, "
                    "phone_number, status, reason, reason_for_requested, contact_name, "
                    "limit_requested, limit_before_request, decided_by, date_decided, "
                    "date_created, date_updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "?, ?)"));
  st.Bind(1, r.request_id).Bind(2, ToString(r.kind)).Bind(3, r.account_id).Bind(4, r.handle_key);
  st.Bind(5, r.phone_number).Bind(6, ToString(r.status));
  if (r.reason) st.Bind(7, *r.reason); else st.BindNull(7);
  st.Bind(8, r.reason_for_requested).Bind(9, r.contact_name);
  st.Bind(10, static_cast<int64_t>(r.limit_requested));
  st.Bind(11, static_cast<int64_t>(r.limit_before_request));
  if (r.decided_by) st.Bind(12, *r.decided_by); else st.BindNull(12);
  st.Bind(13, r.date_decided).Bind(14, r.date_created).Bind(15, r.date_updated);
  SID_TRY(st.Run());
  int64_t position = 0;
  for (const std::string& document_id : r.documents) {
    SID_ASSIGN_OR_RETURN(Statement link,
                         conn_.Prepare("INSERT INTO review_documents (request_id, document_id, "
                                       "position) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"));
    link.Bind(1, r.request_id).Bind(2, document_id).Bind(3, position++);
    SID_TRY(link.Run());
  }
  return OkStatus();
}

Status SqliteTx::UpdateReviewRequest(const ReviewRequest& r) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("UPDATE review_requests SET status = ?, reason = ?, decided_by = ?, "
                    "date_decided = ?, date_updated = ? WHERE request_id = ?"));
  st.Bind(1, ToString(r.status));
  if (r.reason) st.Bind(2, *r.reason); else st.BindNull(2);
  if (r.decided_by) st.Bind(3, *r.decided_by); else st.BindNull(3);
  st.Bind(4, r.date_decided).Bind(5, r.date_updated).Bind(6, r.request_id);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteTx::ReleaseDocuments(std::string_view request_id) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("UPDATE review_documents SET released = 1 WHERE request_id = ?"));
  st.Bind(1, request_id);
  SID_TRY(st.Run());
  return OkStatus();
}

}  // namespace senderid::sqlite
