#pragma once
// WebhooksRepository over one SQLite connection inside an open transaction (SqliteTx owns it).
// Types are stored as the patterns joined by ','; secrets as sealed blobs. Not thread-safe: used on
// the transaction's thread only. Errors as StoreError maps them.

#include "core/ports/webhooks_repository.h"
#include "store/sqlite/connection.h"

namespace senderid::sqlite {

class SqliteWebhooks final : public WebhooksRepository {
 public:
  explicit SqliteWebhooks(Connection& conn) : conn_(conn) {}

  Result<std::optional<Webhook>> Find(std::string_view account_id,
                                      std::string_view webhook_id) override;
  Result<std::vector<Webhook>> List(std::string_view account_id) override;

  Status Insert(const Webhook& webhook) override;
  Status Update(const Webhook& webhook) override;
  Status Delete(std::string_view webhook_id) override;

 private:
  Connection& conn_;
};

}  // namespace senderid::sqlite
