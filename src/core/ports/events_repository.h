#pragma once
// The event log (SPEC §12), inside a store transaction (see store.h). Written only by
// core/lifecycle, in the transaction of the change each event records.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/events.h"

namespace senderid {

class EventsReader {
 public:
  virtual ~EventsReader() = default;
  // The account's events with sequence > `after`, ascending, at most `limit` (≥ 1); only those of
  // `types` when it is not empty.
  virtual Result<std::vector<EventRecord>> List(std::string_view account_id, int64_t after,
                                                const std::vector<EventType>& types,
                                                int limit) = 0;
  // One event of the account, or nullopt (also once pruned, or for another account's id).
  virtual Result<std::optional<EventRecord>> Find(std::string_view account_id,
                                                  std::string_view event_id) = 0;
  // Times (ascending) of the account's events of `type` about `subject` at or after `since` (rate
  // limits counted on the record of what happened, e.g. status changes per number).
  virtual Result<std::vector<TimeMs>> Times(std::string_view account_id, EventType type,
                                            std::string_view subject, TimeMs since) = 0;
};

class EventsRepository : public EventsReader {
 public:
  // Appends the event and returns its sequence (event.sequence is ignored): one more than the
  // account's previous event's, with no gap and no repeat, ever (also after pruning). An unknown
  // account is kInternalError. Events of one account commit in sequence
  // order: a reader never sees n+1 before n.
  virtual Result<int64_t> Append(const EventRecord& event) = 0;
  // Forgets events dated before `before`; returns how many. Sequences are not reused.
  virtual Result<int> Prune(TimeMs before) = 0;
};

}  // namespace senderid
