#pragma once
// Operator-side management of accounts and API keys (SPEC §10). Thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "core/entities.h"
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
                  int default_limit);

  // A new account with one key carrying both scopes.
  Result<Credentials> CreateAccount(std::string_view name, std::optional<int> limit);
  // kNotFound for an unknown account.
  Result<Credentials> CreateKey(std::string_view account_id, unsigned scopes);
  // kNotFound for an unknown key. Revoking is final.
  Status RevokeKey(std::string_view api_key);
  // kNotFound for an unknown account.
  Result<Account> SetAccountState(std::string_view account_id, ActiveState state);
  // Lets one account register one special service number (SPEC §6, §10). kValidationError when the
  // number is not a special service number (ordinary numbers need no override). Returns the digits.
  Result<std::string> AllowSpecialNumber(std::string_view account_id, std::string_view phone_number);

 private:
  Result<Credentials> InsertKey(WriteTx& tx, const std::string& account_id, unsigned scopes,
                                TimeMs now);

  Store& store_;
  const Crypto& crypto_;
  const Clock& clock_;
  Random& random_;
  int default_limit_;
};

}  // namespace senderid
