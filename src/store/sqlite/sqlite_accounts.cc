#include "store/sqlite/sqlite_accounts.h"

#include <utility>

namespace senderid::sqlite {
namespace {

ActiveState ParseState(const std::string& s) {
  return s == "ACTIVE" ? ActiveState::kActive : ActiveState::kInactive;
}

constexpr const char* kKeyColumns =
    "SELECT api_key, account_id, sealed_secret, scopes, state, date_created FROM api_keys ";

StoredApiKey ReadKeyRow(const Statement& st) {
  StoredApiKey k;
  k.api_key = st.Text(0);
  k.account_id = st.Text(1);
  k.sealed_secret = st.Blob(2);
  k.scopes = static_cast<unsigned>(st.Int(3));
  k.state = ParseState(st.Text(4));
  k.date_created = st.Int(5);
  return k;
}

constexpr const char* kAccountColumns =
    "SELECT account_id, name, limit_count, state, date_created, date_updated FROM accounts ";

Account ReadAccountRow(const Statement& st) {
  Account a;
  a.account_id = st.Text(0);
  a.name = st.Text(1);
  a.limit = static_cast<int>(st.Int(2));
  a.state = ParseState(st.Text(3));
  a.date_created = st.Int(4);
  a.date_updated = st.Int(5);
  return a;
}

}  // namespace

Result<AccountsCache*> SqliteAccounts::Cache() {
  if (cache_ == nullptr || cache_checked_) return cache_;
  // The PRAGMA reads the version of this transaction's snapshot (it starts the read if nothing
  // else did yet), so a row kept under that version is the row this transaction would read.
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare("PRAGMA data_version"));
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  cache_checked_ = true;
  if (!row) return cache_ = nullptr;  // no version to trust: read the rows
  const int64_t version = st.Int(0);
  if (version != cache_->data_version || cache_->keys.size() >= AccountsCache::kMaxEntries ||
      cache_->accounts.size() >= AccountsCache::kMaxEntries) {
    cache_->keys.clear();
    cache_->accounts.clear();
    cache_->data_version = version;
  }
  return cache_;
}

Result<std::optional<Account>> SqliteAccounts::Find(std::string_view account_id) {
  SID_ASSIGN_OR_RETURN(AccountsCache * cache, Cache());
  if (cache != nullptr)
    if (auto it = cache->accounts.find(std::string(account_id)); it != cache->accounts.end())
      return std::optional<Account>(it->second);
  static const std::string sql = std::string(kAccountColumns) + "WHERE account_id = ?";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, account_id);
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Account>();
  Account found = ReadAccountRow(st);
  if (cache != nullptr) cache->accounts.emplace(found.account_id, found);
  return std::optional<Account>(std::move(found));
}

Result<std::vector<Account>> SqliteAccounts::List(std::string_view start_key, int limit) {
  static const std::string sql =
      std::string(kAccountColumns) + "WHERE account_id >= ? ORDER BY account_id LIMIT ?";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, start_key).Bind(2, static_cast<int64_t>(limit));
  return st.Collect(ReadAccountRow);
}

Result<std::optional<StoredApiKey>> SqliteAccounts::FindKey(std::string_view api_key) {
  SID_ASSIGN_OR_RETURN(AccountsCache * cache, Cache());
  if (cache != nullptr)
    if (auto it = cache->keys.find(std::string(api_key)); it != cache->keys.end())
      return std::optional<StoredApiKey>(it->second);
  static const std::string sql = std::string(kKeyColumns) + "WHERE api_key = ?";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, api_key);
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<StoredApiKey>();
  StoredApiKey found = ReadKeyRow(st);
  if (cache != nullptr) cache->keys.emplace(found.api_key, found);
  return std::optional<StoredApiKey>(std::move(found));
}

Result<std::vector<StoredApiKey>> SqliteAccounts::ListKeys(std::string_view account_id) {
  // api_keys_by_account finds the rows; an account has a handful of keys, so sorting them is free.
  static const std::string sql =
      std::string(kKeyColumns) + "WHERE account_id = ? ORDER BY date_created, api_key";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, account_id);
  return st.Collect(ReadKeyRow);
}

Status SqliteAccounts::Insert(const Account& a) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("INSERT INTO accounts (account_id, name, limit_count, state, date_created, "
                    "date_updated) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"));
  st.Bind(1, a.account_id).Bind(2, a.name).Bind(3, static_cast<int64_t>(a.limit));
  st.Bind(4, ToString(a.state)).Bind(5, a.date_created).Bind(6, a.date_updated);
  SID_ASSIGN_OR_RETURN(int changed, st.Run());
  if (changed == 0) return Error(ErrorCode::kAlreadyExists, "account exists: " + a.account_id);
  return OkStatus();
}

Status SqliteAccounts::Update(const Account& a) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("UPDATE accounts SET name = ?, limit_count = ?, state = ?, "
                                     "date_updated = ? WHERE account_id = ?"));
  st.Bind(1, a.name).Bind(2, static_cast<int64_t>(a.limit)).Bind(3, ToString(a.state));
  st.Bind(4, a.date_updated).Bind(5, a.account_id);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteAccounts::InsertKey(const StoredApiKey& k) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("INSERT INTO api_keys (api_key, account_id, sealed_secret, scopes, state, "
                    "date_created) VALUES (?, ?, ?, ?, ?, ?)"));
  st.Bind(1, k.api_key).Bind(2, k.account_id).BindBlob(3, k.sealed_secret);
  st.Bind(4, static_cast<int64_t>(k.scopes)).Bind(5, ToString(k.state)).Bind(6, k.date_created);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteAccounts::SetKeyState(std::string_view api_key, ActiveState state) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("UPDATE api_keys SET state = ? WHERE api_key = ?"));
  st.Bind(1, ToString(state)).Bind(2, api_key);
  SID_TRY(st.Run());
  return OkStatus();
}

}  // namespace senderid::sqlite
