#include "store/sqlite/sqlite_webhooks.h"

#include <string>
#include <utility>

namespace senderid::sqlite {
namespace {

constexpr const char* kWebhookColumns =
    "SELECT webhook_id, account_id, url, types, description, status, disabled_reason, "
    "secret_version, sealed_secret, sealed_previous_secret, previous_secret_until, failing_since, "
    "date_created, date_updated FROM webhooks ";

std::string JoinTypes(const std::vector<std::string>& types) {
  std::string out;
  for (const std::string& t : types) {
    if (!out.empty()) out += ',';
    out += t;
  }
  return out;
}

std::vector<std::string> SplitTypes(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    const size_t comma = text.find(',', start);
    out.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

Webhook ReadWebhookRow(const Statement& st) {
  Webhook w;
  w.webhook_id = st.Text(0);
  w.account_id = st.Text(1);
  w.url = st.Text(2);
  w.types = SplitTypes(st.Text(3));
  w.description = st.OptionalText(4);
  w.status = ParseWebhookStatus(st.Text(5)).value_or(WebhookStatus::kDisabled);
  if (const std::optional<std::string> reason = st.OptionalText(6))
    w.disabled_reason = ParseDisabledReason(*reason);
  w.secret_version = st.Int(7);
  w.sealed_secret = st.Blob(8);
  if (!st.IsNull(9)) w.sealed_previous_secret = st.Blob(9);
  w.previous_secret_until = st.OptionalInt(10);
  w.failing_since = st.OptionalInt(11);
  w.date_created = st.Int(12);
  w.date_updated = st.Int(13);
  return w;
}

// Binds the mutable columns of `w` from `first` on, in the order of the UPDATE below.
void BindMutable(Statement& st, int first, const Webhook& w) {
  st.Bind(first, w.url).Bind(first + 1, JoinTypes(w.types));
  if (w.description) st.Bind(first + 2, *w.description); else st.BindNull(first + 2);
  st.Bind(first + 3, ToString(w.status));
  if (w.disabled_reason) st.Bind(first + 4, ToString(*w.disabled_reason));
  else st.BindNull(first + 4);
  st.Bind(first + 5, w.secret_version).BindBlob(first + 6, w.sealed_secret);
  if (w.sealed_previous_secret) st.BindBlob(first + 7, *w.sealed_previous_secret);
  else st.BindNull(first + 7);
  st.Bind(first + 8, w.previous_secret_until).Bind(first + 9, w.failing_since);
  st.Bind(first + 10, w.date_updated);
}

}  // namespace

Result<std::optional<Webhook>> SqliteWebhooks::Find(std::string_view account_id,
                                                    std::string_view webhook_id) {
  static const std::string sql =
      std::string(kWebhookColumns) + "WHERE webhook_id = ? AND account_id = ?";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, webhook_id).Bind(2, account_id);
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Webhook>();
  return std::optional<Webhook>(ReadWebhookRow(st));
}

Result<std::vector<Webhook>> SqliteWebhooks::List(std::string_view account_id) {
  static const std::string sql =
      std::string(kWebhookColumns) + "WHERE account_id = ? ORDER BY date_created, webhook_id";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, account_id);
  return st.Collect(ReadWebhookRow);
}

Status SqliteWebhooks::Insert(const Webhook& w) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("INSERT INTO webhooks (webhook_id, account_id, date_created, url, types, "
                    "description, status, disabled_reason, secret_version, sealed_secret, "
                    "sealed_previous_secret, previous_secret_until, failing_since, date_updated) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, w.webhook_id).Bind(2, w.account_id).Bind(3, w.date_created);
  BindMutable(st, 4, w);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteWebhooks::Update(const Webhook& w) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("UPDATE webhooks SET url = ?, types = ?, description = ?, status = ?, "
                    "disabled_reason = ?, secret_version = ?, sealed_secret = ?, "
                    "sealed_previous_secret = ?, previous_secret_until = ?, failing_since = ?, "
                    "date_updated = ? WHERE webhook_id = ?"));
  BindMutable(st, 1, w);
  st.Bind(12, w.webhook_id);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteWebhooks::Delete(std::string_view webhook_id) {
  // Its delivery records go with it (ON DELETE CASCADE, foreign_keys=ON on every connection).
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare("DELETE FROM webhooks WHERE webhook_id = ?"));
  st.Bind(1, webhook_id);
  SID_TRY(st.Run());
  return OkStatus();
}

}  // namespace senderid::sqlite
