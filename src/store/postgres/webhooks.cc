#include <string>
#include <utility>

#include "store/postgres/repositories.h"

namespace senderid::pg {
namespace {

// The columns every webhook query selects, in the order ReadWebhooks reads them.
#define SID_WEBHOOK_COLUMNS                                                                       \
  "SELECT webhook_id, account_id, url, types, description, status, disabled_reason, "             \
  "secret_version, sealed_secret, sealed_previous_secret, previous_secret_until, failing_since, " \
  "date_created, date_updated FROM webhooks "

// Types are stored as the patterns joined by ',' (a pattern never holds one), as SQLite does.
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
  if (text.empty()) return out;
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    out.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::vector<Webhook> ReadWebhooks(const Rows& r) {
  std::vector<Webhook> out;
  out.reserve(static_cast<size_t>(r.size()));
  for (int i = 0; i < r.size(); ++i) {
    Webhook w;
    w.webhook_id = r.Text(i, 0);
    w.account_id = r.Text(i, 1);
    w.url = r.Text(i, 2);
    w.types = SplitTypes(r.Text(i, 3));
    w.description = r.OptionalText(i, 4);
    w.status = ParseWebhookStatus(r.Text(i, 5)).value_or(WebhookStatus::kDisabled);
    if (const std::optional<std::string> reason = r.OptionalText(i, 6))
      w.disabled_reason = ParseDisabledReason(*reason);
    w.secret_version = r.Int(i, 7);
    w.sealed_secret = r.Bytes(i, 8);
    if (!r.IsNull(i, 9)) w.sealed_previous_secret = r.Bytes(i, 9);
    w.previous_secret_until = r.OptionalInt(i, 10);
    w.failing_since = r.OptionalInt(i, 11);
    w.date_created = r.Int(i, 12);
    w.date_updated = r.Int(i, 13);
    out.push_back(std::move(w));
  }
  return out;
}

std::optional<std::string> ReasonColumn(const std::optional<DisabledReason>& reason) {
  if (!reason) return std::nullopt;
  return std::string(ToString(*reason));
}

// Appends the mutable columns of `w`, in the order of the INSERT and UPDATE below.
Params& AddMutable(Params& p, const Webhook& w) {
  p.Text(w.url)
      .Text(JoinTypes(w.types))
      .OptionalText(w.description)
      .Text(ToString(w.status))
      .OptionalText(ReasonColumn(w.disabled_reason))
      .Int(w.secret_version)
      .Bytes(w.sealed_secret);
  if (w.sealed_previous_secret)
    p.Bytes(*w.sealed_previous_secret);
  else
    p.Null();
  return p.OptionalInt(w.previous_secret_until).OptionalInt(w.failing_since).Int(w.date_updated);
}

}  // namespace

Result<std::optional<Webhook>> PgWebhooks::Find(std::string_view account_id,
                                                std::string_view webhook_id) {
  SID_ASSIGN_OR_RETURN(Rows r,
                       s_.Query(SID_WEBHOOK_COLUMNS "WHERE webhook_id = $1 AND account_id = $2",
                                Params().Text(webhook_id).Text(account_id)));
  std::vector<Webhook> found = ReadWebhooks(r);
  if (found.empty()) return std::optional<Webhook>();
  return std::optional<Webhook>(std::move(found.front()));
}

Result<std::vector<Webhook>> PgWebhooks::List(std::string_view account_id) {
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query(SID_WEBHOOK_COLUMNS "WHERE account_id = $1 ORDER BY date_created, webhook_id",
                       Params().Text(account_id)));
  return ReadWebhooks(r);
}

Status PgWebhooks::Insert(const Webhook& w) {
  // A taken id is a conflict (kAlreadyExists, the transaction still usable); an unknown account a
  // foreign-key violation (kInternalError), which ON CONFLICT does not cover.
  Params p;
  p.Text(w.webhook_id).Text(w.account_id).Int(w.date_created);
  AddMutable(p, w);
  SID_ASSIGN_OR_RETURN(
      Rows r,
      s_.Query("INSERT INTO webhooks (webhook_id, account_id, date_created, url, types, "
               "description, status, disabled_reason, secret_version, sealed_secret, "
               "sealed_previous_secret, previous_secret_until, failing_since, date_updated) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
               "ON CONFLICT DO NOTHING",
               p));
  if (r.affected() == 0) return Error(ErrorCode::kAlreadyExists, "webhook exists: " + w.webhook_id);
  return OkStatus();
}

Status PgWebhooks::Update(const Webhook& w) {
  Params p;
  AddMutable(p, w);
  p.Text(w.webhook_id);
  SID_TRY(
      s_.Query("UPDATE webhooks SET url = $1, types = $2, description = $3, status = $4, "
               "disabled_reason = $5, secret_version = $6, sealed_secret = $7, "
               "sealed_previous_secret = $8, previous_secret_until = $9, failing_since = $10, "
               "date_updated = $11 WHERE webhook_id = $12",
               p));
  return OkStatus();
}

Status PgWebhooks::Delete(std::string_view webhook_id) {
  // Its delivery records go with it (ON DELETE CASCADE).
  SID_TRY(s_.Query("DELETE FROM webhooks WHERE webhook_id = $1", Params().Text(webhook_id)));
  return OkStatus();
}

#undef SID_WEBHOOK_COLUMNS

}  // namespace senderid::pg
