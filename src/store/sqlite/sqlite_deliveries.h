#pragma once
// DeliveriesRepository over one SQLite connection inside an open transaction (SqliteTx owns it).
// Claim runs on the writer inside a write transaction, which is what makes concurrent claimers
// exclusive on SQLite (one writer at a time, in this process and across processes). Not
// thread-safe: used on the transaction's thread only. Errors as StoreError maps them.

#include "core/ports/deliveries_repository.h"
#include "store/sqlite/connection.h"

namespace senderid::sqlite {

class SqliteDeliveries final : public DeliveriesRepository {
 public:
  explicit SqliteDeliveries(Connection& conn) : conn_(conn) {}

  Result<std::optional<Delivery>> Find(std::string_view delivery_id) override;
  Result<std::optional<Delivery>> FindByEvent(std::string_view webhook_id,
                                              std::string_view event_id) override;
  Result<std::vector<Delivery>> List(std::string_view webhook_id,
                                     const DeliveryFilter& f) override;
  Result<std::optional<TimeMs>> NextDue() override;
  Result<std::optional<TimeMs>> OldestPending() override;

  Status Insert(const Delivery& delivery) override;
  Status Update(const Delivery& delivery) override;
  Result<std::vector<Delivery>> Claim(TimeMs now, TimeMs lease_until, std::string_view lease_token,
                                      int max, int max_per_webhook) override;
  Result<int> ReleaseLeases() override;
  Result<int> Prune(TimeMs before) override;

 private:
  Connection& conn_;
};

}  // namespace senderid::sqlite
