#pragma once
// The event log as customers read it (SPEC §12 endpoint 14) and its retention (--event-retention:
// events and delivery records older than that are pruned by the sweeper). Thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/events.h"
#include "core/ports/clock.h"
#include "core/ports/store.h"

namespace senderid {

struct EventQuery {
  int64_t after = 0;                // events with a greater sequence
  std::optional<std::string> type;  // a type pattern (core/events.h)
  int limit = 100;                  // 1–1000
};

struct EventPage {
  std::vector<EventRecord> data;  // ascending by sequence
  int64_t next_after = 0;         // the last sequence returned, or the given `after`
};

class EventsService {
 public:
  EventsService(Store& store, const Clock& clock, TimeMs retention);

  // kValidationError for a negative `after`, a limit outside 1–1000 or a type that is no pattern.
  // Under retention an `after` older than what is kept starts at the oldest kept event.
  Result<EventPage> List(const std::string& account_id, const EventQuery& query);

  // Forgets events and delivery records created longer ago than the retention; how many rows.
  Result<int> Prune();

 private:
  Store& store_;
  const Clock& clock_;
  TimeMs retention_;
};

}  // namespace senderid
