#include "core/services/authenticator.h"

#include <cstdlib>
#include <future>
#include <memory>
#include <optional>

#include "core/authorization.h"
#include "core/hex.h"

namespace senderid {

Authenticator::Authenticator(Store& store, const Crypto& crypto, const Clock& clock,
                             AuthOptions options)
    : store_(store), crypto_(crypto), clock_(clock), options_(options) {}

std::string Authenticator::SecretBinding(std::string_view api_key) {
  return "api_keys:" + std::string(api_key);
}

Result<AuthContext> Authenticator::Authenticate(const std::string* header, Scope required_scope) {
  std::promise<Result<AuthContext>> promise;
  std::future<Result<AuthContext>> result = promise.get_future();
  AuthenticateAsync(header, required_scope,
                    [&promise](Result<AuthContext> r) { promise.set_value(std::move(r)); });
  return result.get();
}

void Authenticator::AuthenticateAsync(const std::string* header, Scope required_scope,
                                      std::function<void(Result<AuthContext>)> done) {
  Result<Verified> verified = Verify(header);
  if (!verified.ok()) return done(std::move(verified).error());
  // Only the durable part goes to the store's (single, group-committing) writer; the lookups and
  // the HMAC above ran on the caller's thread.
  auto found = std::make_shared<Verified>(std::move(verified).value());
  auto record = [found](StoreWriter& w) -> Status {
    SID_ASSIGN_OR_RETURN(bool fresh, w.RecordSignature(found->signature, found->keep_until));
    if (!fresh) return Error(ErrorCode::kDuplicatedSignature, "The signature was already used");
    return OkStatus();
  };
  // The signature is spent by now: Forbidden comes after the commit, never instead of it.
  auto decide = [found, required_scope, done = std::move(done)](Status s) {
    if (!s.ok()) return done(std::move(s).error());
    if (!found->account || found->account->state != ActiveState::kActive)
      return done(Error(ErrorCode::kForbidden, "The account is not active"));
    if ((found->key.scopes & required_scope) == 0)
      return done(Error(ErrorCode::kForbidden, "The API key lacks the scope this request needs"));
    done(AuthContext{std::move(*found->account), std::move(found->key.api_key), found->key.scopes});
  };
  store_.WriteAsync(std::move(record), std::move(decide), Store::WriteShape::kSingleStatement);
}

Result<Authenticator::Verified> Authenticator::Verify(const std::string* header) {
  if (header == nullptr) return Error(ErrorCode::kInvalidAPIKey, "Authorization header is missing");
  SID_ASSIGN_OR_RETURN(AuthorizationHeader auth, ParseAuthorizationHeader(*header));
  Verified v;
  SID_TRY(store_.Read([&](StoreReader& r) -> Status {
    SID_ASSIGN_OR_RETURN(std::optional<StoredApiKey> key, r.FindApiKey(auth.api_key));
    if (!key || key->state != ActiveState::kActive)
      return Error(ErrorCode::kInvalidAPIKey, "Invalid API Key");
    v.key = std::move(*key);
    SID_ASSIGN_OR_RETURN(v.account, r.FindAccount(v.key.account_id));
    return OkStatus();
  }));

  const std::optional<ParsedDate> date = ParseIsoDateTime(auth.date);
  if (!date) return Error(ErrorCode::kInvalidAPIKey, "Invalid Authorization header: bad date");
  const TimeMs now = clock_.Now();
  const bool in_window = std::llabs(date->utc - now) <= options_.window;
  const bool in_window_as_kst = date->zulu && options_.accept_kst_z &&
                                std::llabs(date->utc - kKoreaOffset - now) <= options_.window;
  if (!in_window && !in_window_as_kst)
    return Error(ErrorCode::kRequestTimeTooSkewed,
                 "The request date must be within 15 minutes of the server time");

  SID_ASSIGN_OR_RETURN(std::string secret,
                       crypto_.Open(v.key.sealed_secret, SecretBinding(v.key.api_key)));
  const std::string expected = ToHex(crypto_.Hmac(auth.algorithm, secret, auth.date + auth.salt));
  if (!crypto_.ConstantTimeEquals(expected, auth.signature))
    return Error(ErrorCode::kSignatureDoesNotMatch, "Signature does not match");
  v.signature = std::move(auth.signature);
  // The text of the date is acceptable as long as either reading of it is in the window; the
  // literal (UTC) reading is the later one, so remembering until then covers both.
  v.keep_until = date->utc + options_.window + kSecond;
  return v;
}

Result<int> Authenticator::PruneSpentSignatures() {
  const TimeMs now = clock_.Now();
  return WriteValue<int>(store_, [&](StoreWriter& w) { return w.PruneSignatures(now); });
}

}  // namespace senderid
