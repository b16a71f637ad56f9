#include <utility>

#include "store/postgres/repositories.h"

namespace senderid::pg {
namespace {

std::vector<EventRecord> ReadEvents(const Rows& r) {
  std::vector<EventRecord> out;
  out.reserve(static_cast<size_t>(r.size()));
  for (int i = 0; i < r.size(); ++i) {
    EventRecord e;
    e.event_id = r.Text(i, 0);
    e.account_id = r.Text(i, 1);
    e.sequence = r.Int(i, 2);
    // Only this version's types are ever written: a newer schema is refused at start.
    e.type = ParseEventType(r.Text(i, 3)).value_or(EventType::kSenderIdCreated);
    e.subject = r.Text(i, 4);
    e.date_created = r.Int(i, 5);
    e.data = r.Text(i, 6);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

Result<std::vector<EventRecord>> PgEvents::List(std::string_view account_id, int64_t after,
                                                const std::vector<EventType>& types, int limit) {
  if (limit <= 0) return std::vector<EventRecord>();
  std::vector<std::string> names;
  for (EventType t : types) names.emplace_back(ToString(t));
  // The type filter is one array parameter: the statement text stays fixed (prepared once) and
  // LIMIT counts only matching events. Both walk the (account_id, sequence) unique index.
  Result<Rows> r =
      types.empty()
          ? s_.Query(
                "SELECT event_id, account_id, sequence, type, subject, date_created, data "
                "FROM events WHERE account_id = $1 AND sequence > $2 "
                "ORDER BY sequence LIMIT $3",
                Params().Text(account_id).Int(after).Int(limit))
          : s_.Query(
                "SELECT event_id, account_id, sequence, type, subject, date_created, data "
                "FROM events WHERE account_id = $1 AND sequence > $2 "
                "AND type = ANY ($4::text[]) ORDER BY sequence LIMIT $3",
                Params().Text(account_id).Int(after).Int(limit).Text(TextArray(names)));
  if (!r.ok()) return std::move(r).error();
  return ReadEvents(*r);
}

Result<std::optional<EventRecord>> PgEvents::Find(std::string_view account_id,
                                                  std::string_view event_id) {
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query("SELECT event_id, account_id, sequence, type, subject, date_created, data "
                       "FROM events WHERE event_id = $1 AND account_id = $2",
                       Params().Text(event_id).Text(account_id)));
  std::vector<EventRecord> found = ReadEvents(r);
  if (found.empty()) return std::optional<EventRecord>();
  return std::optional<EventRecord>(std::move(found.front()));
}

Result<std::vector<TimeMs>> PgEvents::Times(std::string_view account_id, EventType type,
                                            std::string_view subject, TimeMs since) {
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query("SELECT date_created FROM events WHERE account_id = $1 AND type = $2 AND "
                       "subject = $3 AND date_created >= $4 ORDER BY date_created",
                       Params().Text(account_id).Text(ToString(type)).Text(subject).Int(since)));
  std::vector<TimeMs> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(r.Int(i, 0));
  return out;
}

Result<int64_t> PgEvents::Append(const EventRecord& e) {
  // The UPDATE takes the account's next sequence and holds its row lock until commit: a second
  // transaction appending for the account waits for the first to commit (and, being serialisable,
  // then runs again), so sequence n is visible before n+1 is handed out — appends of one account
  // commit in sequence order with no gap (a rolled-back transaction gives its number back).
  SID_ASSIGN_OR_RETURN(Rows next,
                       s_.Query("UPDATE accounts SET event_sequence = event_sequence + 1 "
                                "WHERE account_id = $1 RETURNING event_sequence",
                                Params().Text(e.account_id)));
  if (next.size() == 0)
    return Error(ErrorCode::kInternalError, "event for unknown account " + e.account_id);
  const int64_t sequence = next.Int(0, 0);
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query("INSERT INTO events (event_id, account_id, sequence, type, subject, "
                       "date_created, data) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                       "ON CONFLICT DO NOTHING",
                       Params()
                           .Text(e.event_id)
                           .Text(e.account_id)
                           .Int(sequence)
                           .Text(ToString(e.type))
                           .Text(e.subject)
                           .Int(e.date_created)
                           .Text(e.data)));
  if (r.affected() == 0) {
    // A taken event id: give the sequence back, so that the failed Append changes nothing.
    SID_TRY(
        s_.Query("UPDATE accounts SET event_sequence = event_sequence - 1 "
                 "WHERE account_id = $1",
                 Params().Text(e.account_id)));
    return Error(ErrorCode::kAlreadyExists, "event exists: " + e.event_id);
  }
  return sequence;
}

Result<int> PgEvents::Prune(TimeMs before) {
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query("DELETE FROM events WHERE date_created < $1", Params().Int(before)));
  return static_cast<int>(r.affected());
}

}  // namespace senderid::pg
