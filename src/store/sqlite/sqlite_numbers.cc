#include "store/sqlite/sqlite_numbers.h"

#include <string>
#include <unordered_map>
#include <utility>

namespace senderid::sqlite {
namespace {

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
    "date_created, date_updated, expiry_noticed FROM sender_ids ";

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
  e.expiry_noticed = st.Int(9) != 0;
  return e;
}

Result<std::vector<SenderId>> ReadSenderIdRows(Statement& st) {
  return st.Collect(ReadSenderIdRow);
}

}  // namespace

Status SqliteNumbers::LoadDetails(std::vector<SenderId>& entries) {
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
  SID_ASSIGN_OR_RETURN(std::vector<ReviewRequest> requests, reviews_.List(filter));
  for (ReviewRequest& r : requests) {
    auto it = by_key.find(r.handle_key);
    if (it == by_key.end()) continue;
    if (r.kind == ReviewKind::kApproval) it->second->approvals.push_back(std::move(r));
    else if (r.kind == ReviewKind::kDuplicate) it->second->unlock = std::move(r);  // latest wins
  }
  return OkStatus();
}

Result<std::vector<SenderId>> SqliteNumbers::List(std::string_view account_id) {
  static const std::string sql =
      std::string(kSenderIdColumns) + "WHERE account_id = ? ORDER BY date_created, handle_key";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, account_id);
  SID_ASSIGN_OR_RETURN(std::vector<SenderId> entries, ReadSenderIdRows(st));
  SID_TRY(LoadDetails(entries));
  return entries;
}

Result<std::optional<SenderId>> SqliteNumbers::Find(std::string_view account_id,
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

Result<std::vector<SenderId>> SqliteNumbers::ListByNumber(std::string_view phone_number) {
  static const std::string sql =
      std::string(kSenderIdColumns) + "WHERE phone_number = ? ORDER BY date_created, handle_key";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, phone_number);
  return ReadSenderIdRows(st);
}

Result<int> SqliteNumbers::Count(std::string_view account_id) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("SELECT count(*) FROM sender_ids WHERE account_id = ?"));
  st.Bind(1, account_id);
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? static_cast<int>(st.Int(0)) : 0;
}

Result<std::vector<std::string>> SqliteNumbers::ListActive(std::string_view account_id,
                                                           TimeMs now) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("SELECT phone_number FROM sender_ids WHERE account_id = ? AND "
                    "status = 'ACTIVE' AND (expire_at IS NULL OR expire_at > ?) "
                    "ORDER BY date_created, handle_key"));
  st.Bind(1, account_id).Bind(2, now);
  return st.Collect([](const Statement& row) { return row.Text(0); });
}

Result<bool> SqliteNumbers::HasDueExpiries(std::string_view account_id, TimeMs now) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("SELECT 1 FROM sender_ids WHERE account_id = ? AND expire_at <= ? "
                    "AND status IN ('PENDING', 'ACTIVE', 'INACTIVE') LIMIT 1"));
  st.Bind(1, account_id).Bind(2, now);
  return st.Step();
}

Result<std::vector<std::string>> SqliteNumbers::AccountsWithDueExpiries(TimeMs now, int max) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("SELECT DISTINCT account_id FROM sender_ids WHERE expire_at <= ? "
                    "AND status IN ('PENDING', 'ACTIVE', 'INACTIVE') LIMIT ?"));
  st.Bind(1, now).Bind(2, static_cast<int64_t>(max));
  return st.Collect([](const Statement& row) { return row.Text(0); });
}

Result<std::vector<std::string>> SqliteNumbers::AccountsWithExpiryNotices(TimeMs now,
                                                                          TimeMs horizon,
                                                                          int max) {
  // A range of the partial index sender_ids_notice: only entries not yet noticed.
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("SELECT DISTINCT account_id FROM sender_ids WHERE expire_at > ? AND "
                    "expire_at < ? AND expiry_noticed = 0 AND status IN ('ACTIVE', 'INACTIVE') "
                    "LIMIT ?"));
  st.Bind(1, now).Bind(2, horizon).Bind(3, static_cast<int64_t>(max));
  return st.Collect([](const Statement& row) { return row.Text(0); });
}

Result<bool> SqliteNumbers::IsSpecialAllowed(std::string_view account_id,
                                             std::string_view phone_number) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("SELECT 1 FROM special_numbers WHERE account_id = ? AND "
                                     "phone_number = ?"));
  st.Bind(1, account_id).Bind(2, phone_number);
  return st.Step();
}

Status SqliteNumbers::Insert(const SenderId& e) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("INSERT INTO sender_ids (handle_key, account_id, phone_number, status, method, "
                    "expire_at, duplicate_unlocked, date_created, date_updated, expiry_noticed) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, e.handle_key).Bind(2, e.account_id).Bind(3, e.phone_number);
  st.Bind(4, ToString(e.status));
  const std::optional<std::string> method = MethodColumn(e.method);
  if (method) st.Bind(5, *method); else st.BindNull(5);
  st.Bind(6, e.expire_at).Bind(7, static_cast<int64_t>(e.duplicate_unlocked));
  st.Bind(8, e.date_created).Bind(9, e.date_updated);
  st.Bind(10, static_cast<int64_t>(e.expiry_noticed));
  SID_TRY(st.Run());
  for (const LogEntry& line : e.log) SID_TRY(AppendLog(e.handle_key, line));
  return OkStatus();
}

Status SqliteNumbers::Update(const SenderId& e) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("UPDATE sender_ids SET status = ?, method = ?, expire_at = ?, "
                    "duplicate_unlocked = ?, date_updated = ?, expiry_noticed = ? "
                    "WHERE handle_key = ?"));
  st.Bind(1, ToString(e.status));
  const std::optional<std::string> method = MethodColumn(e.method);
  if (method) st.Bind(2, *method); else st.BindNull(2);
  st.Bind(3, e.expire_at).Bind(4, static_cast<int64_t>(e.duplicate_unlocked));
  st.Bind(5, e.date_updated).Bind(6, static_cast<int64_t>(e.expiry_noticed));
  st.Bind(7, e.handle_key);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteNumbers::AppendLog(std::string_view handle_key, const LogEntry& line) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("INSERT INTO sender_id_logs (handle_key, seq, create_at, message) VALUES "
                    "(?1, (SELECT coalesce(max(seq), 0) + 1 FROM sender_id_logs WHERE handle_key = "
                    "?1), ?2, ?3)"));
  st.Bind(1, handle_key).Bind(2, line.create_at).Bind(3, line.message);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteNumbers::Delete(std::string_view handle_key) {
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare("DELETE FROM sender_ids WHERE handle_key = ?"));
  st.Bind(1, handle_key);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteNumbers::AllowSpecial(std::string_view account_id, std::string_view phone_number,
                                   TimeMs now) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("INSERT INTO special_numbers (account_id, phone_number, "
                                     "date_created) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"));
  st.Bind(1, account_id).Bind(2, phone_number).Bind(3, now);
  SID_TRY(st.Run());
  return OkStatus();
}

}  // namespace senderid::sqlite
