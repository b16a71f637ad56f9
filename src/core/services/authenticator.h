#pragma once
// Request authentication (SPEC §2): API key + HMAC over date+salt, a ±15-minute window, durable
// replay protection and scopes. Thread-safe.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/entities.h"
#include "core/error.h"
#include "core/ports/clock.h"
#include "core/ports/crypto.h"
#include "core/ports/store.h"

namespace senderid {

struct AuthOptions {
  TimeMs window = 15 * kMinute;
  // The PHP SDK sends Korea wall-clock time with a literal 'Z'; accept a 'Z' date that is within the
  // window when read as UTC+9.
  bool accept_kst_z = true;
};

struct AuthContext {
  Account account;
  std::string api_key;
  unsigned scopes = 0;
};

class Authenticator {
 public:
  Authenticator(Store& store, const Crypto& crypto, const Clock& clock, AuthOptions options);

  // Checks, in SPEC order: header shape → key → date window → signature → replay → account and key
  // active, scope. The signature is spent only once it verified, and stays spent even when the answer
  // is Forbidden. `header` is nullptr when the request had none.
  Result<AuthContext> Authenticate(const std::string* header, Scope required_scope);
  // The same, waiting only for the read of the key (a few microseconds), not for the commit:
  // `done` runs once the signature is durably spent (on a store thread: keep it short), or at once
  // when the request fails before that.
  void AuthenticateAsync(const std::string* header, Scope required_scope,
                         std::function<void(Result<AuthContext>)> done);

  // Forgets spent signatures that can no longer be replayed; returns how many.
  Result<int> PruneSpentSignatures();

  // The associated data that binds a key's sealed secret to its row.
  static std::string SecretBinding(std::string_view api_key);

 private:
  // A request whose key, date window and signature checked out, with what recording needs.
  struct Verified {
    StoredApiKey key;
    std::optional<Account> account;
    std::string signature;
    TimeMs keep_until = 0;
  };
  // Header shape → key → date window → signature (SPEC §2 order), without touching the replay store.
  Result<Verified> Verify(const std::string* header);

  Store& store_;
  const Crypto& crypto_;
  const Clock& clock_;
  AuthOptions options_;
};

}  // namespace senderid
