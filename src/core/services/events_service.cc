#include "core/services/events_service.h"

#include "core/catalogue.h"

namespace senderid {

EventsService::EventsService(Store& store, const Clock& clock, TimeMs retention)
    : store_(store), clock_(clock), retention_(retention) {}

Result<EventPage> EventsService::List(const std::string& account_id, const EventQuery& query) {
  if (query.after < 0)
    return Error(ErrorCode::kValidationError, "after: a non-negative integer expected");
  if (query.limit < 1 || query.limit > 1000)
    return Error(ErrorCode::kValidationError, std::string(text::invalid::kLimitRange));
  std::vector<EventType> types;
  if (query.type) {
    types = TypesMatching(*query.type);
    if (types.empty())
      return Error(ErrorCode::kValidationError,
                   "type: an event type, '<first segment>.*' of one, or '*' expected");
    if (types.size() == AllEventTypes().size()) types.clear();  // "*": no filter at all
  }
  EventPage page;
  SID_ASSIGN_OR_RETURN(page.data, ReadValue<std::vector<EventRecord>>(store_, [&](ReadTx& tx) {
                         return tx.events().List(account_id, query.after, types, query.limit);
                       }));
  page.next_after = page.data.empty() ? query.after : page.data.back().sequence;
  return page;
}

Result<int> EventsService::Prune() {
  const TimeMs before = clock_.Now() - retention_;
  return WriteValue<int>(store_, [&](WriteTx& tx) -> Result<int> {
    SID_ASSIGN_OR_RETURN(int deliveries, tx.deliveries().Prune(before));
    SID_ASSIGN_OR_RETURN(int events, tx.events().Prune(before));
    return deliveries + events;
  });
}

}  // namespace senderid
