#include "store/sqlite/sqlite_deliveries.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

namespace senderid::sqlite {
namespace {

#define SID_DELIVERY_COLUMNS                                                                   \
  "d.delivery_id, d.webhook_id, d.account_id, d.event_id, d.event_type, d.status, d.attempt, " \
  "d.run_attempts, d.response_status, d.error, d.duration_ms, d.next_attempt_at, "             \
  "d.lease_until, d.lease_token, d.date_created, d.date_updated"

// A record's event_date (migration 8): its event's date_created, or -1 when the event is not in
// the store. Events are never changed, so a record's key stays what it was written with.
#define SID_EVENT_DATE(event_id) \
  "IFNULL((SELECT e.date_created FROM events e WHERE e.event_id = " event_id "), -1)"

constexpr const char* kDeliveryColumns = "SELECT " SID_DELIVERY_COLUMNS " FROM deliveries d ";

Delivery ReadDeliveryRow(const Statement& st) {
  Delivery d;
  d.delivery_id = st.Text(0);
  d.webhook_id = st.Text(1);
  d.account_id = st.Text(2);
  d.event_id = st.Text(3);
  // Only this version's types are ever written (a newer schema is refused at open).
  d.event_type = ParseEventType(st.Text(4)).value_or(EventType::kSenderIdCreated);
  d.status = ParseDeliveryStatus(st.Text(5)).value_or(DeliveryStatus::kFailed);
  d.attempt = static_cast<int>(st.Int(6));
  d.run_attempts = static_cast<int>(st.Int(7));
  if (const std::optional<int64_t> status = st.OptionalInt(8)) d.response_status = static_cast<int>(*status);
  if (const std::optional<std::string> error = st.OptionalText(9)) d.error = ParseDeliveryError(*error);
  d.duration_ms = st.OptionalInt(10);
  d.next_attempt_at = st.OptionalInt(11);
  d.lease_until = st.OptionalInt(12);
  d.lease_token = st.Text(13);
  d.date_created = st.Int(14);
  d.date_updated = st.Int(15);
  return d;
}

std::optional<int64_t> Widen(const std::optional<int>& v) {
  if (!v) return std::nullopt;
  return static_cast<int64_t>(*v);
}

// Binds the mutable columns from `first` on, in the order of the UPDATE below.
void BindMutable(Statement& st, int first, const Delivery& d) {
  st.Bind(first, ToString(d.status)).Bind(first + 1, static_cast<int64_t>(d.attempt));
  st.Bind(first + 2, static_cast<int64_t>(d.run_attempts)).Bind(first + 3, Widen(d.response_status));
  if (d.error) st.Bind(first + 4, ToString(*d.error)); else st.BindNull(first + 4);
  st.Bind(first + 5, d.duration_ms).Bind(first + 6, d.next_attempt_at);
  st.Bind(first + 7, d.lease_until).Bind(first + 8, d.lease_token);
  st.Bind(first + 9, d.date_updated);
}

}  // namespace

Result<std::optional<Delivery>> SqliteDeliveries::Find(std::string_view delivery_id) {
  static const std::string sql = std::string(kDeliveryColumns) + "WHERE d.delivery_id = ?";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, delivery_id);
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Delivery>();
  return std::optional<Delivery>(ReadDeliveryRow(st));
}

Result<std::optional<Delivery>> SqliteDeliveries::FindByEvent(std::string_view webhook_id,
                                                              std::string_view event_id) {
  // Seeks deliveries_by_event with the date the record was written with (migration 8).
  static const std::string sql = std::string(kDeliveryColumns) +
                                 "WHERE d.event_date = " SID_EVENT_DATE("?2") " AND "
                                 "d.event_id = ?2 AND d.webhook_id = ?1";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, webhook_id).Bind(2, event_id);
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Delivery>();
  return std::optional<Delivery>(ReadDeliveryRow(st));
}

Result<std::vector<Delivery>> SqliteDeliveries::List(std::string_view webhook_id,
                                                     const DeliveryFilter& f) {
  // One statement for every filter (NULL parameters filter nothing), walking
  // deliveries_by_webhook backwards from the start key.
  static const std::string sql =
      std::string(kDeliveryColumns) +
      "WHERE d.webhook_id = ?1 AND (?2 IS NULL OR d.event_id = ?2) AND "
      "(?3 IS NULL OR d.delivery_id <= ?3) ORDER BY d.delivery_id DESC LIMIT ?4";
  if (f.limit <= 0) return std::vector<Delivery>();
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, webhook_id);
  if (f.event_id) st.Bind(2, *f.event_id); else st.BindNull(2);
  if (f.start_key) st.Bind(3, *f.start_key); else st.BindNull(3);
  st.Bind(4, static_cast<int64_t>(f.limit));
  return st.Collect(ReadDeliveryRow);
}

Result<std::optional<TimeMs>> SqliteDeliveries::NextDue() {
  // Walks deliveries_due in order and stops at the first record of an enabled webhook.
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("SELECT d.next_attempt_at FROM deliveries d JOIN webhooks w ON "
                    "w.webhook_id = d.webhook_id WHERE d.status = 'PENDING' AND "
                    "d.next_attempt_at IS NOT NULL AND w.status = 'ENABLED' "
                    "ORDER BY d.next_attempt_at LIMIT 1"));
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<TimeMs>();
  return std::optional<TimeMs>(st.Int(0));
}

Result<std::optional<TimeMs>> SqliteDeliveries::OldestPending() {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("SELECT d.date_created FROM deliveries d JOIN webhooks w ON "
                    "w.webhook_id = d.webhook_id WHERE d.status = 'PENDING' AND "
                    "d.next_attempt_at IS NOT NULL AND w.status = 'ENABLED' "
                    "ORDER BY d.date_created LIMIT 1"));
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<TimeMs>();
  return std::optional<TimeMs>(st.Int(0));
}

Status SqliteDeliveries::Insert(const Delivery& d) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("INSERT INTO deliveries (delivery_id, webhook_id, account_id, event_id, "
                    "event_type, date_created, status, attempt, run_attempts, response_status, "
                    "error, duration_ms, next_attempt_at, lease_until, lease_token, date_updated, "
                    "event_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                    "?14, ?15, ?16, " SID_EVENT_DATE("?4") ")"));
  st.Bind(1, d.delivery_id).Bind(2, d.webhook_id).Bind(3, d.account_id).Bind(4, d.event_id);
  st.Bind(5, ToString(d.event_type)).Bind(6, d.date_created);
  BindMutable(st, 7, d);
  // A dangling webhook is a foreign-key failure: kInternalError (StoreError), not kAlreadyExists.
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteDeliveries::Update(const Delivery& d) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("UPDATE deliveries SET status = ?, attempt = ?, run_attempts = ?, "
                    "response_status = ?, error = ?, duration_ms = ?, next_attempt_at = ?, "
                    "lease_until = ?, lease_token = ?, date_updated = ? WHERE delivery_id = ?"));
  BindMutable(st, 1, d);
  st.Bind(11, d.delivery_id);
  SID_TRY(st.Run());
  return OkStatus();
}

Result<std::vector<Delivery>> SqliteDeliveries::Claim(TimeMs now, TimeMs lease_until,
                                                      std::string_view lease_token, int max,
                                                      int max_per_webhook) {
  std::vector<Delivery> out;
  if (max <= 0) return out;
  // Leases still held, per webhook (deliveries_leased: completed attempts clear theirs).
  std::map<std::string, int> in_flight;
  {
    SID_ASSIGN_OR_RETURN(
        Statement held,
        conn_.Prepare("SELECT webhook_id, count(*) FROM deliveries WHERE lease_until > ? AND "
                      "status = 'PENDING' GROUP BY webhook_id"));
    held.Bind(1, now);
    for (;;) {
      SID_ASSIGN_OR_RETURN(bool row, held.Step());
      if (!row) break;
      in_flight[held.Text(0)] = static_cast<int>(held.Int(1));
    }
  }
  // The due records in order; those of a webhook at its cap are skipped, so one webhook's backlog
  // holds back no other webhook. The scan is bounded, so a huge backlog of capped webhooks costs a
  // bounded amount per claim (the rest waits for the next one).
  static const std::string due =
      "SELECT " SID_DELIVERY_COLUMNS
      " FROM deliveries d JOIN webhooks w ON w.webhook_id = d.webhook_id "
      "WHERE d.status = 'PENDING' AND d.next_attempt_at <= ?1 AND "
      "(d.lease_until IS NULL OR d.lease_until <= ?1) AND w.status = 'ENABLED' "
      "ORDER BY d.next_attempt_at LIMIT ?2";
  {
    SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(due.c_str()));
    st.Bind(1, now).Bind(2, static_cast<int64_t>(std::max(256, max * 16)));
    for (;;) {
      if (static_cast<int>(out.size()) >= max) break;
      SID_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      Delivery d = ReadDeliveryRow(st);
      int& n = in_flight[d.webhook_id];
      if (n >= max_per_webhook) continue;
      ++n;
      d.lease_until = lease_until;
      d.lease_token = std::string(lease_token);
      out.push_back(std::move(d));
    }
  }
  for (const Delivery& d : out) {
    SID_ASSIGN_OR_RETURN(Statement lease,
                         conn_.Prepare("UPDATE deliveries SET lease_until = ?, lease_token = ? "
                                       "WHERE delivery_id = ?"));
    lease.Bind(1, lease_until).Bind(2, lease_token).Bind(3, d.delivery_id);
    SID_TRY(lease.Run());
  }
  return out;
}

Result<int> SqliteDeliveries::ReleaseLeases() {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("UPDATE deliveries SET lease_until = NULL, lease_token = '' "
                                     "WHERE lease_until IS NOT NULL"));
  return st.Run();
}

Result<int> SqliteDeliveries::Prune(TimeMs before) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("DELETE FROM deliveries WHERE date_created < ?"));
  st.Bind(1, before);
  return st.Run();
}

#undef SID_DELIVERY_COLUMNS
#undef SID_EVENT_DATE

}  // namespace senderid::sqlite
