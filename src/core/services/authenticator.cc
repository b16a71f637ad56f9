#include "core/services/authenticator.h"

#include <cstdlib>
#include <future>
#include <memory>
#include <optional>

#include "core/authorization.h"
#include "core/catalogue.h"
#include "core/hex.h"

namespace senderid {
namespace {

constexpr std::string_view kSignatureDigestPurpose = "spent-signature";

}  // namespace

Authenticator::Authenticator(Store& store, SignatureLedger& ledger, const Crypto& crypto,
                             const Clock& clock, AuthOptions options)
    : store_(store), ledger_(ledger), crypto_(crypto), clock_(clock), options_(options) {}

std::string Authenticator::SecretBinding(std::string_view api_key) {
  return "api_keys:" + std::string(api_key);
}

std::string Authenticator::SignatureDigest(const Crypto& crypto, std::string_view signature) {
  std::string lower(signature);
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return crypto.KeyedHash(kSignatureDigestPurpose, lower);
}

Result<AuthContext> Authenticator::AuthenticateAndWait(const std::string* header,
                                                       Scope required_scope) {
  std::promise<Result<AuthContext>> promise;
  std::future<Result<AuthContext>> result = promise.get_future();
  Authenticate(header, required_scope,
               [&promise](Result<AuthContext> r) { promise.set_value(std::move(r)); });
  return result.get();
}

void Authenticator::Authenticate(const std::string* header, Scope required_scope, Done done) {
  Result<Verified> verified = Verify(header);
  if (!verified.ok()) return done(std::move(verified).error());
  auto found = std::make_shared<Verified>(std::move(verified).value());
  std::string digest = found->digest;
  const TimeMs keep_until = found->keep_until;
  // The signature is spent by now: Forbidden comes after the ledger's answer, never instead of it.
  ledger_.Spend(std::move(digest), keep_until,
                [found, required_scope, done = std::move(done)](Result<bool> fresh) {
                  if (!fresh.ok()) return done(std::move(fresh).error());
                  if (!*fresh)
                    return done(Error(ErrorCode::kDuplicatedSignature,
                                      std::string(text::message::kSignatureReplayed)));
                  if (!found->account || found->account->state != ActiveState::kActive)
                    return done(Error(ErrorCode::kForbidden,
                                      std::string(text::message::kAccountInactive)));
                  if ((found->key.scopes & required_scope) == 0)
                    return done(
                        Error(ErrorCode::kForbidden, std::string(text::message::kScopeMissing)));
                  done(AuthContext{std::move(*found->account), std::move(found->key.api_key),
                                   found->key.scopes});
                });
}

Result<Authenticator::Verified> Authenticator::Verify(const std::string* header) {
  if (header == nullptr)
    return Error(ErrorCode::kInvalidAPIKey, std::string(text::message::kAuthorizationMissing));
  SID_ASSIGN_OR_RETURN(AuthorizationHeader auth, ParseAuthorizationHeader(*header));
  Verified v;
  SID_TRY(store_.Read([&](ReadTx& tx) -> Status {
    SID_ASSIGN_OR_RETURN(std::optional<StoredApiKey> key, tx.accounts().FindKey(auth.api_key));
    if (!key || key->state != ActiveState::kActive)
      return Error(ErrorCode::kInvalidAPIKey, std::string(text::message::kInvalidApiKey));
    v.key = std::move(*key);
    SID_ASSIGN_OR_RETURN(v.account, tx.accounts().Find(v.key.account_id));
    return OkStatus();
  }));

  const std::optional<ParsedDate> date = ParseIsoDateTime(auth.date);
  if (!date)
    return Error(ErrorCode::kInvalidAPIKey, std::string(text::message::kBadAuthorizationDate));
  const TimeMs now = clock_.Now();
  const bool in_window = std::llabs(date->utc - now) <= options_.window;
  const bool in_window_as_kst = date->zulu && options_.accept_kst_z &&
                                std::llabs(date->utc - kKoreaOffset - now) <= options_.window;
  if (!in_window && !in_window_as_kst)
    return Error(ErrorCode::kRequestTimeTooSkewed, std::string(text::message::kTimeTooSkewed));

  SID_ASSIGN_OR_RETURN(std::string secret,
                       crypto_.Open(v.key.sealed_secret, SecretBinding(v.key.api_key)));
  const std::string expected = ToHex(crypto_.Hmac(auth.algorithm, secret, auth.date + auth.salt));
  if (!crypto_.ConstantTimeEquals(expected, auth.signature))
    return Error(ErrorCode::kSignatureDoesNotMatch, std::string(text::message::kSignatureMismatch));
  v.digest = SignatureDigest(crypto_, auth.signature);
  // The text of the date is acceptable as long as either reading of it is in the window; the
  // literal (UTC) reading is the later one, so remembering until then covers both.
  v.keep_until = date->utc + options_.window + kSecond;
  return v;
}

Result<int> Authenticator::PruneSpentSignatures() { return ledger_.Prune(clock_.Now()); }

}  // namespace senderid
