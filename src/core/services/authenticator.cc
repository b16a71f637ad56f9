#include "core/services/authenticator.h"

#include <cstdlib>
#include <optional>

#include "core/authorization.h"
#include "core/hex.h"

namespace senderid {
namespace {

struct KeyAndAccount {
  StoredApiKey key;
  std::optional<Account> account;
};

}  // namespace

Authenticator::Authenticator(Store& store, const Crypto& crypto, const Clock& clock,
                             AuthOptions options)
    : store_(store), crypto_(crypto), clock_(clock), options_(options) {}

std::string Authenticator::SecretBinding(std::string_view api_key) {
  return "api_keys:" + std::string(api_key);
}

Result<AuthContext> Authenticator::Authenticate(const std::string* header, Scope required_scope) {
  if (header == nullptr) return Error(ErrorCode::kInvalidAPIKey, "Authorization header is missing");
  SID_ASSIGN_OR_RETURN(AuthorizationHeader auth, ParseAuthorizationHeader(*header));

  SID_ASSIGN_OR_RETURN(
      KeyAndAccount found, ReadValue<KeyAndAccount>(store_, [&](StoreReader& r) -> Result<KeyAndAccount> {
        SID_ASSIGN_OR_RETURN(std::optional<StoredApiKey> key, r.FindApiKey(auth.api_key));
        if (!key || key->state != ActiveState::kActive)
          return Error(ErrorCode::kInvalidAPIKey, "Invalid API Key");
        SID_ASSIGN_OR_RETURN(std::optional<Account> account, r.FindAccount(key->account_id));
        return KeyAndAccount{std::move(*key), std::move(account)};
      }));

  const std::optional<ParsedDate> date = ParseIsoDateTime(auth.date);
  if (!date) return Error(ErrorCode::kInvalidAPIKey, "Invalid Authorization header: bad date");
  const TimeMs now = clock_.Now();
  const bool in_window = std::llabs(date->utc - now) <= options_.window;
  const bool in_window_as_kst =
      date->zulu && options_.accept_kst_z && std::llabs(date->utc - kKoreaOffset - now) <= options_.window;
  if (!in_window && !in_window_as_kst)
    return Error(ErrorCode::kRequestTimeTooSkewed,
                 "The request date must be within 15 minutes of the server time");

  SID_ASSIGN_OR_RETURN(std::string secret,
                       crypto_.Open(found.key.sealed_secret, SecretBinding(found.key.api_key)));
  const MacAlgorithm algorithm = auth.algorithm;
  const std::string expected = ToHex(crypto_.Hmac(algorithm, secret, auth.date + auth.salt));
  if (!crypto_.ConstantTimeEquals(expected, auth.signature))
    return Error(ErrorCode::kSignatureDoesNotMatch, "Signature does not match");

  // The text of the date is acceptable as long as either reading of it is in the window; the literal
  // (UTC) reading is the later one, so remembering until then covers both.
  const TimeMs keep_until = date->utc + options_.window + kSecond;
  SID_ASSIGN_OR_RETURN(bool fresh, WriteValue<bool>(store_, [&](StoreWriter& w) {
                         return w.RecordSignature(auth.signature, keep_until);
                       }));
  if (!fresh) return Error(ErrorCode::kDuplicatedSignature, "The signature was already used");

  if (!found.account || found.account->state != ActiveState::kActive)
    return Error(ErrorCode::kForbidden, "The account is not active");
  if ((found.key.scopes & required_scope) == 0)
    return Error(ErrorCode::kForbidden, "The API key lacks the scope this request needs");
  return AuthContext{std::move(*found.account), std::move(found.key.api_key), found.key.scopes};
}

Result<int> Authenticator::PruneSpentSignatures() {
  const TimeMs now = clock_.Now();
  return WriteValue<int>(store_, [&](StoreWriter& w) { return w.PruneSignatures(now); });
}

}  // namespace senderid
