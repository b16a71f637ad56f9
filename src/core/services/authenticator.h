#pragma once
// Request authentication (SPEC §2): API key + HMAC over date+salt, a ±15-minute window, durable
// replay protection and scopes. Thread-safe.

#include <functional>
#include <string>
#include <string_view>

#include "core/entities.h"
#include "core/error.h"
#include "core/ports/clock.h"
#include "core/ports/crypto.h"
#include "core/ports/signature_ledger.h"
#include "core/ports/store.h"
#include "core/values.h"

namespace senderid {

struct AuthOptions {
  TimeMs window = 15 * kMinute;
  // The PHP SDK sends Korea wall-clock time with a literal 'Z'; accept a 'Z' date that is within the
  // window when read as UTC+9.
  bool accept_kst_z = true;
};

class Authenticator {
 public:
  using Done = std::function<void(Result<AuthContext>)>;

  // A request whose header, key, date window and signature checked out: what spending it needs,
  // and what it will be once spent.
  struct Checked {
    std::string digest;
    TimeMs keep_until = 0;
    Result<AuthContext> outcome = Error(ErrorCode::kInternalError, "not checked");  // or Forbidden
  };

  Authenticator(Store& store, SignatureLedger& ledger, const Crypto& crypto, const Clock& clock,
                AuthOptions options);

  // Checks, in SPEC order: header shape → key → date window → signature → replay → account and key
  // active, scope. The signature is spent only once it verified, and stays spent even when the
  // answer is Forbidden. `header` is nullptr when the request had none. The lookups and the HMAC
  // run on the caller's thread; `done` runs once the signature is durably spent (on a ledger thread:
  // keep it short), or at once on the caller's thread when the request fails before that.
  void Authenticate(const std::string* header, Scope required_scope, Done done);
  // The same, waiting for the answer (CLI, tests).
  Result<AuthContext> AuthenticateAndWait(const std::string* header, Scope required_scope);

  // Authenticate in two halves, for a caller that does its work while the signature is being
  // spent and answers only once it is (a read: nothing it does needs undoing). Check runs every
  // check that comes before the ledger on the caller's thread — an error here spends nothing —
  // and decides the outcome (account active, scope); Spend spends the signature: `done` gets OK
  // once it is durably spent (then `outcome` stands), kDuplicatedSignature for a replay, or why it
  // could not be recorded — on a ledger thread, or at once.
  Result<Checked> Check(const std::string* header, Scope required_scope);
  void Spend(const Checked& checked, std::function<void(Status)> done);

  // Forgets spent signatures that can no longer be replayed; returns how many.
  Result<int> PruneSpentSignatures();

  // The associated data that binds a key's sealed secret to its row.
  static std::string SecretBinding(std::string_view api_key);
  // What the ledger keeps of a spent signature: a keyed hash of its lowercase hex, so that the store
  // holds no signature (SPEC §2: a replay is the same value, hex compared case-insensitively).
  static std::string SignatureDigest(const Crypto& crypto, std::string_view signature);

 private:
  Store& store_;
  SignatureLedger& ledger_;
  const Crypto& crypto_;
  const Clock& clock_;
  AuthOptions options_;
};

}  // namespace senderid
