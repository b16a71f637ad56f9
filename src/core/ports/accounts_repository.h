#pragma once
// Accounts and their API keys (SPEC §2, §10), inside a store transaction (see store.h for what a
// transaction guarantees and how failures come back).

#include <optional>
#include <string_view>
#include <vector>

#include "core/entities.h"
#include "core/error.h"

namespace senderid {

class AccountsReader {
 public:
  virtual ~AccountsReader() = default;
  // The account, or nullopt.
  virtual Result<std::optional<Account>> Find(std::string_view account_id) = 0;
  // The key row (sealed secret) by its public id, or nullopt.
  virtual Result<std::optional<StoredApiKey>> FindKey(std::string_view api_key) = 0;
  // The account's keys, by date_created.
  virtual Result<std::vector<StoredApiKey>> ListKeys(std::string_view account_id) = 0;
  // Accounts by account_id ascending, starting at `start_key` (inclusive; empty: the first), at
  // most `limit` (≥ 1).
  virtual Result<std::vector<Account>> List(std::string_view start_key, int limit) = 0;
};

class AccountsRepository : public AccountsReader {
 public:
  // kAlreadyExists when the id is taken.
  virtual Status Insert(const Account& account) = 0;
  // Stores name, limit, state and date_updated of an existing account.
  virtual Status Update(const Account& account) = 0;
  // kAlreadyExists when the key is taken.
  virtual Status InsertKey(const StoredApiKey& key) = 0;
  virtual Status SetKeyState(std::string_view api_key, ActiveState state) = 0;
};

}  // namespace senderid
