#include "store/sqlite/sqlite_events.h"

#include <string>
#include <utility>

namespace senderid::sqlite {
namespace {

constexpr const char* kEventColumns =
    "SELECT event_id, account_id, sequence, type, subject, date_created, data FROM events ";

EventRecord ReadEventRow(const Statement& st) {
  EventRecord e;
  e.event_id = st.Text(0);
  e.account_id = st.Text(1);
  e.sequence = st.Int(2);
  // Only this version's types are ever written: a newer schema (with new types) is refused at
  // open.
  e.type = ParseEventType(st.Text(3)).value_or(EventType::kSenderIdCreated);
  e.subject = st.Text(4);
  e.date_created = st.Int(5);
  e.data = st.Text(6);
  return e;
}

// ["senderid.created","approval.approved"]: type names are fixed ASCII without quotes or
// backslashes, so they need no escaping.
std::string JsonArrayOf(const std::vector<EventType>& types) {
  std::string out = "[";
  for (EventType t : types) {
    if (out.size() > 1) out += ',';
    out += '"';
    out += ToString(t);
    out += '"';
  }
  out += ']';
  return out;
}

}  // namespace

Result<std::vector<EventRecord>> SqliteEvents::List(std::string_view account_id, int64_t after,
                                                    const std::vector<EventType>& types,
                                                    int limit) {
  // The type filter is a JSON array bound to one parameter rather than an IN list of as many
  // parameters as types: the statement text stays fixed, so it is prepared once and cached, and
  // the filter still runs in SQL, so LIMIT counts only the events that match. Both statements
  // walk the account's events in sequence order on the UNIQUE (account_id, sequence) index.
  static const std::string all =
      std::string(kEventColumns) +
      "WHERE account_id = ?1 AND sequence > ?2 ORDER BY sequence LIMIT ?3";
  static const std::string typed =
      std::string(kEventColumns) +
      "WHERE account_id = ?1 AND sequence > ?2 AND type IN (SELECT value FROM json_each(?4)) "
      "ORDER BY sequence LIMIT ?3";
  if (limit <= 0) return std::vector<EventRecord>();  // to SQLite, a negative LIMIT is no limit
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(types.empty() ? all.c_str() : typed.c_str()));
  st.Bind(1, account_id).Bind(2, after).Bind(3, static_cast<int64_t>(limit));
  if (!types.empty()) st.Bind(4, JsonArrayOf(types));
  return st.Collect(ReadEventRow);
}

Result<std::optional<EventRecord>> SqliteEvents::Find(std::string_view account_id,
                                                     std::string_view event_id) {
  static const std::string sql =
      std::string(kEventColumns) + "WHERE event_id = ? AND account_id = ?";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, event_id).Bind(2, account_id);
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<EventRecord>();
  return std::optional<EventRecord>(ReadEventRow(st));
}

Result<std::vector<TimeMs>> SqliteEvents::Times(std::string_view account_id, EventType type,
                                                std::string_view subject, TimeMs since) {
  // A range of events_by_subject, already in date order.
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("SELECT date_created FROM events WHERE account_id = ? AND type = ? AND "
                    "subject = ? AND date_created >= ? ORDER BY date_created"));
  st.Bind(1, account_id).Bind(2, ToString(type)).Bind(3, subject).Bind(4, since);
  return st.Collect([](const Statement& row) { return row.Int(0); });
}

Result<int64_t> SqliteEvents::Append(const EventRecord& e) {
  // The UPDATE takes the account's next sequence and holds the row for the rest of the
  // transaction; with SQLite's single writer, appends of one account commit in sequence order.
  int64_t sequence = 0;
  {
    SID_ASSIGN_OR_RETURN(Statement next,
                         conn_.Prepare("UPDATE accounts SET event_sequence = event_sequence + 1 "
                                       "WHERE account_id = ? RETURNING event_sequence"));
    next.Bind(1, e.account_id);
    SID_ASSIGN_OR_RETURN(bool row, next.Step());
    if (!row) return Error(ErrorCode::kInternalError, "event for unknown account " + e.account_id);
    sequence = next.Int(0);
  }
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("INSERT INTO events (event_id, account_id, sequence, type, subject, "
                    "date_created, data) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, e.event_id).Bind(2, e.account_id).Bind(3, sequence).Bind(4, ToString(e.type));
  st.Bind(5, e.subject).Bind(6, e.date_created).Bind(7, e.data);
  Result<int> inserted = st.Run();
  if (!inserted.ok()) {
    // Gives the sequence back, so that a failed Append changes nothing even if fn goes on.
    Result<Statement> undo = conn_.Prepare(
        "UPDATE accounts SET event_sequence = event_sequence - 1 WHERE account_id = ?");
    if (undo.ok()) (void)undo->Bind(1, e.account_id).Run();
    return std::move(inserted).error();
  }
  return sequence;
}

Result<int> SqliteEvents::Prune(TimeMs before) {
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare("DELETE FROM events WHERE date_created < ?"));
  st.Bind(1, before);
  return st.Run();
}

}  // namespace senderid::sqlite
