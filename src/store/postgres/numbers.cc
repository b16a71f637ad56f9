#include <unordered_map>
#include <utility>

#include "store/postgres/repositories.h"

namespace senderid::pg {
namespace {

VerificationMethod ParseMethod(const std::optional<std::string>& s) {
  if (!s) return VerificationMethod::kNone;
  return *s == "ARS" ? VerificationMethod::kArs : VerificationMethod::kDocument;
}

std::optional<std::string> MethodColumn(VerificationMethod m) {
  if (m == VerificationMethod::kNone) return std::nullopt;
  return std::string(ToString(m));
}

// The columns every entry query selects, in the order ReadEntries reads them.
#define SID_ENTRY_COLUMNS                                                                        \
  "SELECT handle_key, account_id, phone_number, status, method, expire_at, duplicate_unlocked, " \
  "date_created, date_updated, expiry_noticed FROM sender_ids "

std::vector<SenderId> ReadEntries(const Rows& r) {
  std::vector<SenderId> out;
  out.reserve(static_cast<size_t>(r.size()));
  for (int i = 0; i < r.size(); ++i) {
    SenderId e;
    e.handle_key = r.Text(i, 0);
    e.account_id = r.Text(i, 1);
    e.phone_number = r.Text(i, 2);
    e.status = ParseNumberStatus(r.Text(i, 3)).value_or(NumberStatus::kPending);
    e.method = ParseMethod(r.OptionalText(i, 4));
    e.expire_at = r.OptionalInt(i, 5);
    e.duplicate_unlocked = r.Bool(i, 6);
    e.date_created = r.Int(i, 7);
    e.date_updated = r.Int(i, 8);
    e.expiry_noticed = r.Bool(i, 9);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

Status PgNumbers::LoadDetails(std::vector<SenderId>& entries) {
  if (entries.empty()) return OkStatus();
  std::unordered_map<std::string, SenderId*> by_key;
  for (SenderId& e : entries) by_key.emplace(e.handle_key, &e);
  // All entries of one call belong to one account (or are one entry): their logs in one query.
  Result<Rows> logs = entries.size() == 1
                          ? s_.Query(
                                "SELECT handle_key, create_at, message FROM sender_id_logs "
                                "WHERE handle_key = $1 ORDER BY seq",
                                Params().Text(entries.front().handle_key))
                          : s_.Query(
                                "SELECT l.handle_key, l.create_at, l.message FROM sender_id_logs l "
                                "JOIN sender_ids s ON s.handle_key = l.handle_key "
                                "WHERE s.account_id = $1 ORDER BY l.handle_key, l.seq",
                                Params().Text(entries.front().account_id));
  if (!logs.ok()) return std::move(logs).error();
  for (int i = 0; i < logs->size(); ++i) {
    auto it = by_key.find(logs->Text(i, 0));
    if (it != by_key.end()) it->second->log.push_back({logs->Int(i, 1), logs->Text(i, 2)});
  }
  ReviewFilter filter;
  filter.account_id = entries.front().account_id;
  if (entries.size() == 1) filter.handle_key = entries.front().handle_key;
  SID_ASSIGN_OR_RETURN(std::vector<ReviewRequest> requests, reviews_.List(filter));
  for (ReviewRequest& r : requests) {
    auto it = by_key.find(r.handle_key);
    if (it == by_key.end()) continue;
    if (r.kind == ReviewKind::kApproval)
      it->second->approvals.push_back(std::move(r));
    else if (r.kind == ReviewKind::kDuplicate)
      it->second->unlock = std::move(r);  // latest wins
  }
  return OkStatus();
}

Result<std::vector<SenderId>> PgNumbers::List(std::string_view account_id) {
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query(SID_ENTRY_COLUMNS "WHERE account_id = $1 ORDER BY date_created, handle_key",
                       Params().Text(account_id)));
  std::vector<SenderId> entries = ReadEntries(r);
  SID_TRY(LoadDetails(entries));
  return entries;
}

Result<std::optional<SenderId>> PgNumbers::Find(std::string_view account_id,
                                                std::string_view phone_number) {
  SID_ASSIGN_OR_RETURN(Rows r,
                       s_.Query(SID_ENTRY_COLUMNS "WHERE account_id = $1 AND phone_number = $2",
                                Params().Text(account_id).Text(phone_number)));
  std::vector<SenderId> entries = ReadEntries(r);
  if (entries.empty()) return std::optional<SenderId>();
  SID_TRY(LoadDetails(entries));
  return std::optional<SenderId>(std::move(entries.front()));
}

Result<std::vector<SenderId>> PgNumbers::ListByNumber(std::string_view phone_number) {
  SID_ASSIGN_OR_RETURN(Rows r, s_.Query(SID_ENTRY_COLUMNS
                                        "WHERE phone_number = $1 ORDER BY date_created, handle_key",
                                        Params().Text(phone_number)));
  return ReadEntries(r);
}

Result<int> PgNumbers::Count(std::string_view account_id) {
  SID_ASSIGN_OR_RETURN(Rows r, s_.Query("SELECT count(*) FROM sender_ids WHERE account_id = $1",
                                        Params().Text(account_id)));
  return static_cast<int>(r.Int(0, 0));
}

Result<std::vector<std::string>> PgNumbers::ListActive(std::string_view account_id, TimeMs now) {
  SID_ASSIGN_OR_RETURN(Rows r,
                       s_.Query("SELECT phone_number FROM sender_ids WHERE account_id = $1 AND "
                                "status = 'ACTIVE' AND (expire_at IS NULL OR expire_at > $2) "
                                "ORDER BY date_created, handle_key",
                                Params().Text(account_id).Int(now)));
  std::vector<std::string> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(r.Text(i, 0));
  return out;
}

Result<bool> PgNumbers::HasDueExpiries(std::string_view account_id, TimeMs now) {
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query("SELECT 1 FROM sender_ids WHERE account_id = $1 AND expire_at <= $2 "
                       "AND status IN ('PENDING', 'ACTIVE', 'INACTIVE') LIMIT 1",
                       Params().Text(account_id).Int(now)));
  return r.size() > 0;
}

Result<std::vector<std::string>> PgNumbers::AccountsWithDueExpiries(TimeMs now, int max) {
  SID_ASSIGN_OR_RETURN(Rows r,
                       s_.Query("SELECT DISTINCT account_id FROM sender_ids WHERE expire_at <= $1 "
                                "AND status IN ('PENDING', 'ACTIVE', 'INACTIVE') LIMIT $2",
                                Params().Int(now).Int(max)));
  std::vector<std::string> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(r.Text(i, 0));
  return out;
}

Result<std::vector<std::string>> PgNumbers::AccountsWithExpiryNotices(TimeMs now, TimeMs horizon,
                                                                      int max) {
  // A range of the partial index sender_ids_notice: only entries not yet noticed.
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query("SELECT DISTINCT account_id FROM sender_ids WHERE expire_at > $1 AND "
                       "expire_at < $2 AND NOT expiry_noticed AND status IN ('ACTIVE', 'INACTIVE') "
                       "LIMIT $3",
                       Params().Int(now).Int(horizon).Int(max)));
  std::vector<std::string> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(r.Text(i, 0));
  return out;
}

Result<bool> PgNumbers::IsSpecialAllowed(std::string_view account_id,
                                         std::string_view phone_number) {
  SID_ASSIGN_OR_RETURN(Rows r, s_.Query("SELECT 1 FROM special_numbers WHERE account_id = $1 AND "
                                        "phone_number = $2",
                                        Params().Text(account_id).Text(phone_number)));
  return r.size() > 0;
}

Status PgNumbers::Insert(const SenderId& e) {
  SID_ASSIGN_OR_RETURN(
      Rows r,
      s_.Query("INSERT INTO sender_ids (handle_key, account_id, phone_number, status, method, "
               "expire_at, duplicate_unlocked, date_created, date_updated, expiry_noticed) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
               Params()
                   .Text(e.handle_key)
                   .Text(e.account_id)
                   .Text(e.phone_number)
                   .Text(ToString(e.status))
                   .OptionalText(MethodColumn(e.method))
                   .OptionalInt(e.expire_at)
                   .Text(e.duplicate_unlocked ? "true" : "false")
                   .Int(e.date_created)
                   .Int(e.date_updated)
                   .Text(e.expiry_noticed ? "true" : "false")));
  if (r.affected() == 0) return Error(ErrorCode::kAlreadyExists, "entry exists: " + e.handle_key);
  for (const LogEntry& line : e.log) SID_TRY(AppendLog(e.handle_key, line));
  return OkStatus();
}

Status PgNumbers::Update(const SenderId& e) {
  SID_TRY(
      s_.Query("UPDATE sender_ids SET status = $1, method = $2, expire_at = $3, "
               "duplicate_unlocked = $4, date_updated = $5, expiry_noticed = $6 WHERE handle_key = $7",
               Params()
                   .Text(ToString(e.status))
                   .OptionalText(MethodColumn(e.method))
                   .OptionalInt(e.expire_at)
                   .Text(e.duplicate_unlocked ? "true" : "false")
                   .Int(e.date_updated)
                   .Text(e.expiry_noticed ? "true" : "false")
                   .Text(e.handle_key)));
  return OkStatus();
}

Status PgNumbers::AppendLog(std::string_view handle_key, const LogEntry& line) {
  // Two appends to one entry at once take the same seq: the second fails on the primary key and
  // its transaction runs again (a unique violation is retryable, see connection.h).
  SID_TRY(
      s_.Query("INSERT INTO sender_id_logs (handle_key, seq, create_at, message) VALUES "
               "($1, (SELECT coalesce(max(seq), 0) + 1 FROM sender_id_logs WHERE "
               "handle_key = $1), $2, $3)",
               Params().Text(handle_key).Int(line.create_at).Text(line.message)));
  return OkStatus();
}

Status PgNumbers::Delete(std::string_view handle_key) {
  SID_TRY(s_.Query("DELETE FROM sender_ids WHERE handle_key = $1", Params().Text(handle_key)));
  return OkStatus();
}

Status PgNumbers::AllowSpecial(std::string_view account_id, std::string_view phone_number,
                               TimeMs now) {
  SID_TRY(
      s_.Query("INSERT INTO special_numbers (account_id, phone_number, date_created) "
               "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
               Params().Text(account_id).Text(phone_number).Int(now)));
  return OkStatus();
}

}  // namespace senderid::pg
