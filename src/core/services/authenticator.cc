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
  Result<Checked> checked = Check(header, required_scope);
  if (!checked.ok()) return done(std::move(checked).error());
  auto found = std::make_shared<Checked>(std::move(checked).value());
  // The signature is spent by now: Forbidden comes after the ledger's answer, never instead of it.
  Spend(*found, [found, done = std::move(done)](Status spent) {
    if (!spent.ok()) return done(std::move(spent).error());
    done(std::move(found->outcome));
  });
}

void Authenticator::Spend(const Checked& checked, std::function<void(Status)> done) {
  ledger_.Spend(checked.digest, checked.keep_until, [done = std::move(done)](Result<bool> fresh) {
    if (!fresh.ok()) return done(std::move(fresh).error());
    if (!*fresh)
      return done(
          Error(ErrorCode::kDuplicatedSignature, std::string(text::message::kSignatureReplayed)));
    done(OkStatus());
  });
}

Result<Authenticator::Checked> Authenticator::Check(const std::string* header,
                                                    Scope required_scope) {
  if (header == nullptr)
    return Error(ErrorCode::kInvalidAPIKey, std::string(text::message::kAuthorizationMissing));
  SID_ASSIGN_OR_RETURN(AuthorizationHeader auth, ParseAuthorizationHeader(*header));
  StoredApiKey key;
  std::optional<Account> account;
  SID_TRY(store_.Read([&](ReadTx& tx) -> Status {
    SID_ASSIGN_OR_RETURN(std::optional<StoredApiKey> found, tx.accounts().FindKey(auth.api_key));
    if (!found || found->state != ActiveState::kActive)
      return Error(ErrorCode::kInvalidAPIKey, std::string(text::message::kInvalidApiKey));
    key = std::move(*found);
    SID_ASSIGN_OR_RETURN(account, tx.accounts().Find(key.account_id));
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
                       crypto_.Open(key.sealed_secret, SecretBinding(key.api_key)));
  const std::string expected = ToHex(crypto_.Hmac(auth.algorithm, secret, auth.date + auth.salt));
  if (!crypto_.ConstantTimeEquals(expected, auth.signature))
    return Error(ErrorCode::kSignatureDoesNotMatch, std::string(text::message::kSignatureMismatch));
  Checked checked;
  checked.digest = SignatureDigest(crypto_, auth.signature);
  // The text of the date is acceptable as long as either reading of it is in the window; the
  // literal (UTC) reading is the later one, so remembering until then covers both.
  checked.keep_until = date->utc + options_.window + kSecond;
  if (!account || account->state != ActiveState::kActive)
    checked.outcome = Error(ErrorCode::kForbidden, std::string(text::message::kAccountInactive));
  else if ((key.scopes & required_scope) == 0)
    checked.outcome = Error(ErrorCode::kForbidden, std::string(text::message::kScopeMissing));
  else
    checked.outcome = AuthContext{std::move(*account), std::move(key.api_key), key.scopes};
  return checked;
}

Result<int> Authenticator::PruneSpentSignatures() { return ledger_.Prune(clock_.Now()); }

}  // namespace senderid
