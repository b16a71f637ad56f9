#include <utility>

#include "store/postgres/repositories.h"

namespace senderid::pg {
namespace {

ActiveState ParseState(const std::string& s) {
  return s == "ACTIVE" ? ActiveState::kActive : ActiveState::kInactive;
}

StoredApiKey ReadKey(const Rows& r, int i) {
  StoredApiKey k;
  k.api_key = r.Text(i, 0);
  k.account_id = r.Text(i, 1);
  k.sealed_secret = r.Bytes(i, 2);
  k.scopes = static_cast<unsigned>(r.Int(i, 3));
  k.state = ParseState(r.Text(i, 4));
  k.date_created = r.Int(i, 5);
  return k;
}

#define SID_ACCOUNT_COLUMNS \
  "SELECT account_id, name, limit_count, state, date_created, date_updated FROM accounts "

Account ReadAccount(const Rows& r, int i) {
  Account a;
  a.account_id = r.Text(i, 0);
  a.name = r.Text(i, 1);
  a.limit = static_cast<int>(r.Int(i, 2));
  a.state = ParseState(r.Text(i, 3));
  a.date_created = r.Int(i, 4);
  a.date_updated = r.Int(i, 5);
  return a;
}

}  // namespace

std::string TextArray(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

Result<std::optional<Account>> PgAccounts::Find(std::string_view account_id) {
  SID_ASSIGN_OR_RETURN(Rows r, s_.Query(SID_ACCOUNT_COLUMNS "WHERE account_id = $1",
                                        Params().Text(account_id)));
  if (r.size() == 0) return std::optional<Account>();
  return std::optional<Account>(ReadAccount(r, 0));
}

Result<std::vector<Account>> PgAccounts::List(std::string_view start_key, int limit) {
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query(SID_ACCOUNT_COLUMNS "WHERE account_id >= $1 ORDER BY account_id LIMIT $2",
                       Params().Text(start_key).Int(limit)));
  std::vector<Account> out;
  out.reserve(static_cast<size_t>(r.size()));
  for (int i = 0; i < r.size(); ++i) out.push_back(ReadAccount(r, i));
  return out;
}

Result<std::optional<StoredApiKey>> PgAccounts::FindKey(std::string_view api_key) {
  SID_ASSIGN_OR_RETURN(Rows r, s_.Query("SELECT api_key, account_id, sealed_secret, scopes, state, "
                                        "date_created FROM api_keys WHERE api_key = $1",
                                        Params().Text(api_key)));
  if (r.size() == 0) return std::optional<StoredApiKey>();
  return std::optional<StoredApiKey>(ReadKey(r, 0));
}

Result<std::vector<StoredApiKey>> PgAccounts::ListKeys(std::string_view account_id) {
  SID_ASSIGN_OR_RETURN(Rows r, s_.Query("SELECT api_key, account_id, sealed_secret, scopes, state, "
                                        "date_created FROM api_keys WHERE account_id = $1 "
                                        "ORDER BY date_created, api_key",
                                        Params().Text(account_id)));
  std::vector<StoredApiKey> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(ReadKey(r, i));
  return out;
}

Status PgAccounts::Insert(const Account& a) {
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query("INSERT INTO accounts (account_id, name, limit_count, state, date_created, "
                       "date_updated) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                       Params()
                           .Text(a.account_id)
                           .Text(a.name)
                           .Int(a.limit)
                           .Text(ToString(a.state))
                           .Int(a.date_created)
                           .Int(a.date_updated)));
  if (r.affected() == 0) return Error(ErrorCode::kAlreadyExists, "account exists: " + a.account_id);
  return OkStatus();
}

Status PgAccounts::Update(const Account& a) {
  SID_TRY(
      s_.Query("UPDATE accounts SET name = $1, limit_count = $2, state = $3, "
               "date_updated = $4 WHERE account_id = $5",
               Params()
                   .Text(a.name)
                   .Int(a.limit)
                   .Text(ToString(a.state))
                   .Int(a.date_updated)
                   .Text(a.account_id)));
  return OkStatus();
}

Status PgAccounts::InsertKey(const StoredApiKey& k) {
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query("INSERT INTO api_keys (api_key, account_id, sealed_secret, scopes, state, "
                       "date_created) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                       Params()
                           .Text(k.api_key)
                           .Text(k.account_id)
                           .Bytes(k.sealed_secret)
                           .Int(k.scopes)
                           .Text(ToString(k.state))
                           .Int(k.date_created)));
  if (r.affected() == 0) return Error(ErrorCode::kAlreadyExists, "key exists: " + k.api_key);
  return OkStatus();
}

Status PgAccounts::SetKeyState(std::string_view api_key, ActiveState state) {
  SID_TRY(s_.Query("UPDATE api_keys SET state = $1 WHERE api_key = $2",
                   Params().Text(ToString(state)).Text(api_key)));
  return OkStatus();
}

}  // namespace senderid::pg
