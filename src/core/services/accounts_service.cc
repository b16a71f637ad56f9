#include "core/services/accounts_service.h"

#include "core/catalogue.h"
#include "core/ids.h"
#include "core/phone_number.h"
#include "core/services/authenticator.h"

namespace senderid {
namespace {

Error NoAccount(std::string_view id) {
  return Error(ErrorCode::kNotFound, "no account " + std::string(id));
}

}  // namespace

AccountsService::AccountsService(Store& store, const Crypto& crypto, const Clock& clock,
                                 Random& random, int default_limit)
    : store_(store), crypto_(crypto), clock_(clock), random_(random), default_limit_(default_limit) {}

Result<Credentials> AccountsService::InsertKey(WriteTx& tx, const std::string& account_id,
                                               unsigned scopes, TimeMs now) {
  StoredApiKey key;
  key.api_key = "NCS" + RandomString(random_, 13, kUpperAlnum);
  const std::string secret = RandomString(random_, 32, kUpperAlnum);
  key.account_id = account_id;
  key.sealed_secret = crypto_.Seal(secret, Authenticator::SecretBinding(key.api_key));
  key.scopes = scopes;
  key.date_created = now;
  SID_TRY(tx.accounts().InsertKey(key));
  return Credentials{account_id, key.api_key, secret, scopes, 0};
}

Result<Credentials> AccountsService::CreateAccount(std::string_view name,
                                                   std::optional<int> limit) {
  if (name.empty()) return Error(ErrorCode::kValidationError, std::string(text::invalid::kAccountName));
  if (limit && *limit < 0) return Error(ErrorCode::kValidationError, "limit must be 0 or more");
  const TimeMs now = clock_.Now();
  return WriteValue<Credentials>(store_, [&](WriteTx& tx) -> Result<Credentials> {
    Account account;
    // Eight digits, no leading zero; drawn again on the rare collision.
    for (;;) {
      account.account_id = RandomString(random_, 1, "123456789") + RandomString(random_, 7, kDigits);
      SID_ASSIGN_OR_RETURN(std::optional<Account> taken, tx.accounts().Find(account.account_id));
      if (!taken) break;
    }
    account.name = std::string(name);
    account.limit = limit.value_or(default_limit_);
    account.date_created = now;
    account.date_updated = now;
    SID_TRY(tx.accounts().Insert(account));
    SID_ASSIGN_OR_RETURN(Credentials c, InsertKey(tx, account.account_id, kScopeRead | kScopeWrite, now));
    c.limit = account.limit;
    return c;
  });
}

Result<Credentials> AccountsService::CreateKey(std::string_view account_id, unsigned scopes) {
  if (scopes == 0) return Error(ErrorCode::kValidationError, std::string(text::invalid::kKeyScopes));
  const TimeMs now = clock_.Now();
  return WriteValue<Credentials>(store_, [&](WriteTx& tx) -> Result<Credentials> {
    SID_ASSIGN_OR_RETURN(std::optional<Account> account, tx.accounts().Find(account_id));
    if (!account) return NoAccount(account_id);
    SID_ASSIGN_OR_RETURN(Credentials c, InsertKey(tx, account->account_id, scopes, now));
    c.limit = account->limit;
    return c;
  });
}

Status AccountsService::RevokeKey(std::string_view api_key) {
  return store_.Write([&](WriteTx& tx) -> Status {
    SID_ASSIGN_OR_RETURN(std::optional<StoredApiKey> key, tx.accounts().FindKey(api_key));
    if (!key) return Error(ErrorCode::kNotFound, "no API key " + std::string(api_key));
    return tx.accounts().SetKeyState(api_key, ActiveState::kInactive);
  });
}

Result<Account> AccountsService::SetAccountState(std::string_view account_id, ActiveState state) {
  const TimeMs now = clock_.Now();
  return WriteValue<Account>(store_, [&](WriteTx& tx) -> Result<Account> {
    SID_ASSIGN_OR_RETURN(std::optional<Account> account, tx.accounts().Find(account_id));
    if (!account) return NoAccount(account_id);
    if (account->state != state) {
      account->state = state;
      account->date_updated = now;
      SID_TRY(tx.accounts().Update(*account));
    }
    return std::move(*account);
  });
}

Result<std::string> AccountsService::AllowSpecialNumber(std::string_view account_id,
                                                        std::string_view phone_number) {
  const std::optional<std::string> digits = NormalizePhoneNumber(phone_number);
  if (!digits || !IsSpecialServiceNumber(*digits))
    return Error(ErrorCode::kValidationError, std::string(text::invalid::kNotSpecial));
  const TimeMs now = clock_.Now();
  SID_TRY(store_.Write([&](WriteTx& tx) -> Status {
    SID_ASSIGN_OR_RETURN(std::optional<Account> account, tx.accounts().Find(account_id));
    if (!account) return NoAccount(account_id);
    return tx.numbers().AllowSpecial(account_id, *digits, now);
  }));
  return *digits;
}

}  // namespace senderid
