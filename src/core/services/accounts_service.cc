#include "core/services/accounts_service.h"

#include "core/audit.h"
#include "core/catalogue.h"
#include "core/ids.h"
#include "core/phone_number.h"
#include "core/services/authenticator.h"

namespace senderid {
namespace {

Error NoAccount(std::string_view id) {
  return Error(ErrorCode::kNotFound, "no account " + std::string(id));
}

// Keys as an operator sees them: never a secret, not even sealed.
Result<AccountView> LoadView(ReadTx& tx, Account account) {
  AccountView view;
  SID_ASSIGN_OR_RETURN(view.keys, tx.accounts().ListKeys(account.account_id));
  for (StoredApiKey& k : view.keys) k.sealed_secret.clear();
  view.account = std::move(account);
  return view;
}

}  // namespace

AccountsService::AccountsService(Store& store, const Crypto& crypto, const Clock& clock,
                                 Random& random, const Lifecycle& lifecycle)
    : store_(store), crypto_(crypto), clock_(clock), random_(random), lifecycle_(lifecycle) {}

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
                                                   std::optional<int> limit, const Actor& actor) {
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
    account.limit = limit.value_or(lifecycle_.options().default_limit);
    account.date_created = now;
    account.date_updated = now;
    SID_TRY(tx.accounts().Insert(account));
    SID_ASSIGN_OR_RETURN(Credentials c, InsertKey(tx, account.account_id, kScopeRead | kScopeWrite, now));
    c.limit = account.limit;
    SID_TRY(audit::Record(tx, random_, now, actor, audit::kAccountCreate, account.account_id));
    SID_TRY(audit::Record(tx, random_, now, actor, audit::kKeyCreate, c.api_key));
    return c;
  });
}

Result<Credentials> AccountsService::CreateKey(std::string_view account_id, unsigned scopes,
                                               const Actor& actor) {
  if (scopes == 0) return Error(ErrorCode::kValidationError, std::string(text::invalid::kKeyScopes));
  const TimeMs now = clock_.Now();
  return WriteValue<Credentials>(store_, [&](WriteTx& tx) -> Result<Credentials> {
    SID_ASSIGN_OR_RETURN(std::optional<Account> account, tx.accounts().Find(account_id));
    if (!account) return NoAccount(account_id);
    SID_ASSIGN_OR_RETURN(Credentials c, InsertKey(tx, account->account_id, scopes, now));
    c.limit = account->limit;
    SID_TRY(audit::Record(tx, random_, now, actor, audit::kKeyCreate, c.api_key));
    return c;
  });
}

Status AccountsService::RevokeKey(std::string_view api_key, const Actor& actor) {
  const TimeMs now = clock_.Now();
  return store_.Write([&](WriteTx& tx) -> Status {
    SID_ASSIGN_OR_RETURN(std::optional<StoredApiKey> key, tx.accounts().FindKey(api_key));
    if (!key) return Error(ErrorCode::kNotFound, "no API key " + std::string(api_key));
    SID_TRY(tx.accounts().SetKeyState(api_key, ActiveState::kInactive));
    return audit::Record(tx, random_, now, actor, audit::kKeyRevoke, key->api_key);
  });
}

Result<Account> AccountsService::SetAccountState(std::string_view account_id, ActiveState state,
                                                 const Actor& actor) {
  const TimeMs now = clock_.Now();
  return WriteValue<Account>(store_, [&](WriteTx& tx) -> Result<Account> {
    SID_ASSIGN_OR_RETURN(std::optional<Account> account, tx.accounts().Find(account_id));
    if (!account) return NoAccount(account_id);
    if (account->state != state) {
      account->state = state;
      account->date_updated = now;
      SID_TRY(tx.accounts().Update(*account));
    }
    SID_TRY(audit::Record(tx, random_, now, actor,
                          state == ActiveState::kActive ? audit::kAccountActivate
                                                        : audit::kAccountDeactivate,
                          account->account_id));
    return std::move(*account);
  });
}

Result<std::string> AccountsService::AllowSpecialNumber(std::string_view account_id,
                                                        std::string_view phone_number,
                                                        const Actor& actor) {
  const std::optional<std::string> digits = NormalizePhoneNumber(phone_number);
  if (!digits || !IsSpecialServiceNumber(*digits))
    return Error(ErrorCode::kValidationError, std::string(text::invalid::kNotSpecial));
  const TimeMs now = clock_.Now();
  SID_TRY(store_.Write([&](WriteTx& tx) -> Status {
    SID_ASSIGN_OR_RETURN(std::optional<Account> account, tx.accounts().Find(account_id));
    if (!account) return NoAccount(account_id);
    SID_TRY(tx.numbers().AllowSpecial(account_id, *digits, now));
    return audit::Record(tx, random_, now, actor, audit::kNumberAllowSpecial, *digits,
                         "account " + account->account_id);
  }));
  return *digits;
}

Result<AccountView> AccountsService::ChangeLimit(std::string_view account_id, int limit,
                                                 const Actor& actor) {
  if (limit < 1) return Error(ErrorCode::kValidationError, std::string(text::admin::kLimitAtLeastOne));
  const TimeMs now = clock_.Now();
  return WriteValue<AccountView>(store_, [&](WriteTx& tx) -> Result<AccountView> {
    SID_ASSIGN_OR_RETURN(std::optional<Account> account, tx.accounts().Find(account_id));
    if (!account) return NoAccount(account_id);
    const int before = account->limit;
    Changes changes = lifecycle_.Begin(tx, now);
    SID_TRY(changes.ChangeLimit(*account, limit));
    SID_TRY(audit::Record(tx, random_, now, actor, audit::kAccountUpdate, account->account_id,
                          "limit " + std::to_string(before) + " -> " + std::to_string(limit)));
    return LoadView(tx, std::move(*account));
  });
}

Result<Page<AccountView>> AccountsService::List(std::string_view start_key, int limit) {
  return ReadValue<Page<AccountView>>(store_, [&](ReadTx& tx) -> Result<Page<AccountView>> {
    SID_ASSIGN_OR_RETURN(std::vector<Account> accounts, tx.accounts().List(start_key, limit + 1));
    Page<AccountView> page;
    if (accounts.size() > static_cast<size_t>(limit)) {
      page.next_key = accounts.back().account_id;
      accounts.pop_back();
    }
    for (Account& a : accounts) {
      SID_ASSIGN_OR_RETURN(AccountView v, LoadView(tx, std::move(a)));
      page.data.push_back(std::move(v));
    }
    return page;
  });
}

Result<AccountView> AccountsService::Get(std::string_view account_id) {
  return ReadValue<AccountView>(store_, [&](ReadTx& tx) -> Result<AccountView> {
    SID_ASSIGN_OR_RETURN(std::optional<Account> account, tx.accounts().Find(account_id));
    if (!account) return NoAccount(account_id);
    return LoadView(tx, std::move(*account));
  });
}

}  // namespace senderid
