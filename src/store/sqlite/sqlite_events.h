#pragma once
// EventsRepository over one SQLite connection inside an open transaction (SqliteTx owns it). The
// account's last sequence is kept on its row (accounts.event_sequence, migration 4): taking the
// next one is one UPDATE, which pruning cannot undo. Not thread-safe: used on the transaction's
// thread only. Errors as StoreError maps them.

#include "core/ports/events_repository.h"
#include "store/sqlite/connection.h"

namespace senderid::sqlite {

class SqliteEvents final : public EventsRepository {
 public:
  explicit SqliteEvents(Connection& conn) : conn_(conn) {}

  Result<std::vector<EventRecord>> List(std::string_view account_id, int64_t after,
                                        const std::vector<EventType>& types, int limit) override;
  Result<std::optional<EventRecord>> Find(std::string_view account_id,
                                          std::string_view event_id) override;
  Result<std::vector<TimeMs>> Times(std::string_view account_id, EventType type,
                                    std::string_view subject, TimeMs since) override;

  // kInternalError when the account does not exist; kAlreadyExists when the event id is taken.
  Result<int64_t> Append(const EventRecord& event) override;
  Result<int> Prune(TimeMs before) override;

 private:
  Connection& conn_;
};

}  // namespace senderid::sqlite
