#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>

#include "store/postgres/repositories.h"

namespace senderid::pg {
namespace {

// The columns every delivery query selects, in the order ReadDeliveries reads them.
#define SID_DELIVERY_COLUMNS                                                                   \
  "d.delivery_id, d.webhook_id, d.account_id, d.event_id, d.event_type, d.status, d.attempt, " \
  "d.run_attempts, d.response_status, d.error, d.duration_ms, d.next_attempt_at, "             \
  "d.lease_until, d.lease_token, d.date_created, d.date_updated"

std::vector<Delivery> ReadDeliveries(const Rows& r) {
  std::vector<Delivery> out;
  out.reserve(static_cast<size_t>(r.size()));
  for (int i = 0; i < r.size(); ++i) {
    Delivery d;
    d.delivery_id = r.Text(i, 0);
    d.webhook_id = r.Text(i, 1);
    d.account_id = r.Text(i, 2);
    d.event_id = r.Text(i, 3);
    // Only this version's types are ever written: a newer schema is refused at start.
    d.event_type = ParseEventType(r.Text(i, 4)).value_or(EventType::kSenderIdCreated);
    d.status = ParseDeliveryStatus(r.Text(i, 5)).value_or(DeliveryStatus::kFailed);
    d.attempt = static_cast<int>(r.Int(i, 6));
    d.run_attempts = static_cast<int>(r.Int(i, 7));
    if (const std::optional<int64_t> status = r.OptionalInt(i, 8))
      d.response_status = static_cast<int>(*status);
    if (const std::optional<std::string> error = r.OptionalText(i, 9))
      d.error = ParseDeliveryError(*error);
    d.duration_ms = r.OptionalInt(i, 10);
    d.next_attempt_at = r.OptionalInt(i, 11);
    d.lease_until = r.OptionalInt(i, 12);
    d.lease_token = r.Text(i, 13);
    d.date_created = r.Int(i, 14);
    d.date_updated = r.Int(i, 15);
    out.push_back(std::move(d));
  }
  return out;
}

std::optional<int64_t> Widen(const std::optional<int>& v) {
  if (!v) return std::nullopt;
  return static_cast<int64_t>(*v);
}

std::optional<std::string> ErrorColumn(const std::optional<DeliveryError>& e) {
  if (!e) return std::nullopt;
  return std::string(ToString(*e));
}

// Appends the mutable columns of `d`, in the order of the INSERT and UPDATE below.
Params& AddMutable(Params& p, const Delivery& d) {
  return p.Text(ToString(d.status))
      .Int(d.attempt)
      .Int(d.run_attempts)
      .OptionalInt(Widen(d.response_status))
      .OptionalText(ErrorColumn(d.error))
      .OptionalInt(d.duration_ms)
      .OptionalInt(d.next_attempt_at)
      .OptionalInt(d.lease_until)
      .Text(d.lease_token)
      .Int(d.date_updated);
}

}  // namespace

Result<std::optional<Delivery>> PgDeliveries::Find(std::string_view delivery_id) {
  SID_ASSIGN_OR_RETURN(Rows r, s_.Query("SELECT " SID_DELIVERY_COLUMNS
                                        " FROM deliveries d WHERE d.delivery_id = $1",
                                        Params().Text(delivery_id)));
  std::vector<Delivery> found = ReadDeliveries(r);
  if (found.empty()) return std::optional<Delivery>();
  return std::optional<Delivery>(std::move(found.front()));
}

Result<std::optional<Delivery>> PgDeliveries::FindByEvent(std::string_view webhook_id,
                                                          std::string_view event_id) {
  SID_ASSIGN_OR_RETURN(Rows r,
                       s_.Query("SELECT " SID_DELIVERY_COLUMNS
                                " FROM deliveries d WHERE d.webhook_id = $1 AND d.event_id = $2",
                                Params().Text(webhook_id).Text(event_id)));
  std::vector<Delivery> found = ReadDeliveries(r);
  if (found.empty()) return std::optional<Delivery>();
  return std::optional<Delivery>(std::move(found.front()));
}

Result<std::vector<Delivery>> PgDeliveries::List(std::string_view webhook_id,
                                                 const DeliveryFilter& f) {
  if (f.limit <= 0) return std::vector<Delivery>();
  // One statement for every filter (NULL parameters filter nothing), walking
  // deliveries_by_webhook backwards from the start key. The id columns are COLLATE "C" (see the
  // migration): ids compare bytewise, as SQLite's do, whatever the database's collation.
  Params p;
  p.Text(webhook_id).OptionalText(f.event_id).OptionalText(f.start_key).Int(f.limit);
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query("SELECT " SID_DELIVERY_COLUMNS
                       " FROM deliveries d WHERE d.webhook_id = $1 AND "
                       "($2::text IS NULL OR d.event_id = $2) AND "
                       "($3::text IS NULL OR d.delivery_id <= $3) "
                       "ORDER BY d.delivery_id DESC LIMIT $4",
                       p));
  return ReadDeliveries(r);
}

Result<std::optional<TimeMs>> PgDeliveries::NextDue() {
  // Walks deliveries_due in order and stops at the first record of an enabled webhook.
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query("SELECT d.next_attempt_at FROM deliveries d JOIN webhooks w ON "
                       "w.webhook_id = d.webhook_id WHERE d.status = 'PENDING' AND "
                       "d.next_attempt_at IS NOT NULL AND w.status = 'ENABLED' "
                       "ORDER BY d.next_attempt_at LIMIT 1"));
  if (r.size() == 0) return std::optional<TimeMs>();
  return std::optional<TimeMs>(r.Int(0, 0));
}

Result<std::optional<TimeMs>> PgDeliveries::OldestPending() {
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query("SELECT d.date_created FROM deliveries d JOIN webhooks w ON "
                       "w.webhook_id = d.webhook_id WHERE d.status = 'PENDING' AND "
                       "d.next_attempt_at IS NOT NULL AND w.status = 'ENABLED' "
                       "ORDER BY d.date_created LIMIT 1"));
  if (r.size() == 0) return std::optional<TimeMs>();
  return std::optional<TimeMs>(r.Int(0, 0));
}

Status PgDeliveries::Insert(const Delivery& d) {
  // A taken id or (webhook, event) pair is a conflict (kAlreadyExists, the transaction still
  // usable); an unknown webhook a foreign-key violation (kInternalError).
  Params p;
  p.Text(d.delivery_id)
      .Text(d.webhook_id)
      .Text(d.account_id)
      .Text(d.event_id)
      .Text(ToString(d.event_type))
      .Int(d.date_created);
  AddMutable(p, d);
  SID_ASSIGN_OR_RETURN(
      Rows r,
      s_.Query("INSERT INTO deliveries (delivery_id, webhook_id, account_id, event_id, "
               "event_type, date_created, status, attempt, run_attempts, response_status, "
               "error, duration_ms, next_attempt_at, lease_until, lease_token, date_updated) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) "
               "ON CONFLICT DO NOTHING",
               p));
  if (r.affected() == 0)
    return Error(ErrorCode::kAlreadyExists, "delivery exists: " + d.delivery_id);
  return OkStatus();
}

Status PgDeliveries::Update(const Delivery& d) {
  Params p;
  AddMutable(p, d);
  p.Text(d.delivery_id);
  SID_TRY(
      s_.Query("UPDATE deliveries SET status = $1, attempt = $2, run_attempts = $3, "
               "response_status = $4, error = $5, duration_ms = $6, next_attempt_at = $7, "
               "lease_until = $8, lease_token = $9, date_updated = $10 WHERE delivery_id = $11",
               p));
  return OkStatus();
}

Result<std::vector<Delivery>> PgDeliveries::Claim(TimeMs now, TimeMs lease_until,
                                                  std::string_view lease_token, int max,
                                                  int max_per_webhook) {
  std::vector<Delivery> out;
  if (max <= 0) return out;
  // The due records in order, locked: SKIP LOCKED passes over the rows a concurrent claimer (this
  // instance's or another's) is taking, instead of waiting for it. A lapsed lease (its holder died
  // mid-attempt) is due again. The scan is bounded, as on SQLite: a huge backlog of capped webhooks
  // costs a bounded amount per claim.
  SID_ASSIGN_OR_RETURN(
      Rows due,
      s_.Query("SELECT " SID_DELIVERY_COLUMNS
               " FROM deliveries d JOIN webhooks w ON w.webhook_id = d.webhook_id "
               "WHERE d.status = 'PENDING' AND d.next_attempt_at <= $1 AND "
               "(d.lease_until IS NULL OR d.lease_until <= $1) AND w.status = 'ENABLED' "
               "ORDER BY d.next_attempt_at LIMIT $2 FOR UPDATE OF d SKIP LOCKED",
               Params().Int(now).Int(std::max(256, max * 16))));
  std::vector<Delivery> candidates = ReadDeliveries(due);
  if (candidates.empty()) return out;
  // Leases still held, per webhook concerned. The transaction is serialisable: two claimers that
  // both counted a webhook's leases before the other's commit read what the other wrote, and one
  // of them is rolled back and runs again (seeing the other's leases), so the cap holds across
  // instances.
  std::vector<std::string> webhook_ids;
  for (const Delivery& d : candidates)
    if (std::find(webhook_ids.begin(), webhook_ids.end(), d.webhook_id) == webhook_ids.end())
      webhook_ids.push_back(d.webhook_id);
  SID_ASSIGN_OR_RETURN(
      Rows held, s_.Query("SELECT webhook_id, count(*) FROM deliveries WHERE webhook_id = ANY "
                          "($1::text[]) AND status = 'PENDING' AND lease_until > $2 "
                          "GROUP BY webhook_id",
                          Params().Text(TextArray(webhook_ids)).Int(now)));
  std::unordered_map<std::string, int> in_flight;
  for (int i = 0; i < held.size(); ++i) in_flight[held.Text(i, 0)] = static_cast<int>(held.Int(i, 1));
  std::vector<std::string> chosen;
  for (Delivery& d : candidates) {
    if (static_cast<int>(out.size()) >= max) break;
    int& n = in_flight[d.webhook_id];
    if (n >= max_per_webhook) continue;
    ++n;
    d.lease_until = lease_until;
    d.lease_token = std::string(lease_token);
    chosen.push_back(d.delivery_id);
    out.push_back(std::move(d));
  }
  if (chosen.empty()) return out;
  SID_TRY(
      s_.Query("UPDATE deliveries SET lease_until = $1, lease_token = $2 "
               "WHERE delivery_id = ANY ($3::text[])",
               Params().Int(lease_until).Text(lease_token).Text(TextArray(chosen))));
  return out;
}

Result<int> PgDeliveries::ReleaseLeases() {
  SID_ASSIGN_OR_RETURN(Rows r, s_.Query("UPDATE deliveries SET lease_until = NULL, lease_token = '' "
                                        "WHERE lease_until IS NOT NULL"));
  return static_cast<int>(r.affected());
}

Result<int> PgDeliveries::Prune(TimeMs before) {
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query("DELETE FROM deliveries WHERE date_created < $1", Params().Int(before)));
  return static_cast<int>(r.affected());
}

#undef SID_DELIVERY_COLUMNS

}  // namespace senderid::pg
