#pragma once
// AccountsRepository over one SQLite connection inside an open transaction (SqliteTx owns it).
// Not thread-safe: used on the transaction's thread only. Errors as StoreError maps them.

#include "core/ports/accounts_repository.h"
#include "store/sqlite/connection.h"

namespace senderid::sqlite {

class SqliteAccounts final : public AccountsRepository {
 public:
  explicit SqliteAccounts(Connection& conn) : conn_(conn) {}

  Result<std::optional<Account>> Find(std::string_view account_id) override;
  Result<std::optional<StoredApiKey>> FindKey(std::string_view api_key) override;
  Result<std::vector<StoredApiKey>> ListKeys(std::string_view account_id) override;
  Result<std::vector<Account>> List(std::string_view start_key, int limit) override;

  Status Insert(const Account& account) override;
  Status Update(const Account& account) override;
  Status InsertKey(const StoredApiKey& key) override;
  Status SetKeyState(std::string_view api_key, ActiveState state) override;

 private:
  Connection& conn_;
};

}  // namespace senderid::sqlite
