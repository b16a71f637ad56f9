#pragma once
// AccountsRepository over one SQLite connection inside an open transaction (SqliteTx owns it).
// Not thread-safe: used on the transaction's thread only. Errors as StoreError maps them.

#include <cstdint>
#include <string>
#include <unordered_map>

#include "core/ports/accounts_repository.h"
#include "store/sqlite/connection.h"

namespace senderid::sqlite {

// The keys and accounts a read-only connection keeps between its transactions, so that a signed
// request's lookups cost one PRAGMA instead of two indexed reads (issue 16). Coherent by
// construction, not by expiry: it is tagged with the database's data_version, which SQLite changes
// whenever any other connection commits (this server's writer, a CLI in another process), and a
// transaction that reads another version starts it afresh. Only rows found are kept, at most
// kMaxEntries of each kind (then it starts afresh too). One per pooled reader connection.
struct AccountsCache {
  static constexpr size_t kMaxEntries = 4096;
  int64_t data_version = -1;
  std::unordered_map<std::string, StoredApiKey> keys;
  std::unordered_map<std::string, Account> accounts;
};

class SqliteAccounts final : public AccountsRepository {
 public:
  // `cache`: only for a read-only connection's transaction (see AccountsCache); null on the writer.
  explicit SqliteAccounts(Connection& conn, AccountsCache* cache = nullptr)
      : conn_(conn), cache_(cache) {}

  Result<std::optional<Account>> Find(std::string_view account_id) override;
  Result<std::optional<StoredApiKey>> FindKey(std::string_view api_key) override;
  Result<std::vector<StoredApiKey>> ListKeys(std::string_view account_id) override;
  Result<std::vector<Account>> List(std::string_view start_key, int limit) override;

  Status Insert(const Account& account) override;
  Status Update(const Account& account) override;
  Status InsertKey(const StoredApiKey& key) override;
  Status SetKeyState(std::string_view api_key, ActiveState state) override;

 private:
  // The cache, checked against this transaction's data_version (once per transaction); null when
  // there is none.
  Result<AccountsCache*> Cache();

  Connection& conn_;
  AccountsCache* cache_;
  bool cache_checked_ = false;
};

}  // namespace senderid::sqlite
