#pragma once
// Operator-side management of accounts and API keys (SPEC §10, §13): every change is audited
// (core/audit.h) in its own transaction, on behalf of the Actor given. Thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "core/admin_values.h"
#include "core/entities.h"
#include "core/lifecycle/lifecycle.h"
#include "core/error.h"
#include "core/ports/clock.h"
#include "core/ports/crypto.h"
#include "core/ports/random.h"
#include "core/ports/store.h"
#include "core/values.h"

namespace senderid {

class AccountsService {
 public:
  AccountsService(Store& store, const Crypto& crypto, const Clock& clock, Random& random,
                  const Lifecycle& lifecycle);

  // A new account with one key carrying both scopes.
  Result<Credentials> CreateAccount(std::string_view name, std::optional<int> limit,
                                    const Actor& actor);
  // kNotFound for an unknown account.
  Result<Credentials> CreateKey(std::string_view account_id, unsigned scopes, const Actor& actor);
  // kNotFound for an unknown key. Revoking is final.
  Status RevokeKey(std::string_view api_key, const Actor& actor);
  // kNotFound for an unknown account.
  Result<Account> SetAccountState(std::string_view account_id, ActiveState state,
                                  const Actor& actor);
  // Lets one account register one special service number (SPEC §6, §10). kValidationError when the
  // number is not a special service number (ordinary numbers need no override). Returns the digits.
  Result<std::string> AllowSpecialNumber(std::string_view account_id, std::string_view phone_number,
                                         const Actor& actor);
  // An operator sets the account's limit (SPEC §13): ≥ 1, may go below the current count (creates
  // are then refused), leaves pending limitations as they are; account.limit_changed through the
  // lifecycle. kValidationError below 1, kNotFound for an unknown account.
  Result<AccountView> ChangeLimit(std::string_view account_id, int limit, const Actor& actor);

  // Accounts by id from `start_key` (inclusive), `limit` of them (1–1000).
  Result<Page<AccountView>> List(std::string_view start_key, int limit);
  // kNotFound for an unknown account.
  Result<AccountView> Get(std::string_view account_id);

 private:
  Result<Credentials> InsertKey(WriteTx& tx, const std::string& account_id, unsigned scopes,
                                TimeMs now);

  Store& store_;
  const Crypto& crypto_;
  const Clock& clock_;
  Random& random_;
  const Lifecycle& lifecycle_;
};

}  // namespace senderid
