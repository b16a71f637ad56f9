#pragma once
// Who an admin request comes from (SPEC §13): sign-in with name and password, sessions kept in the
// store (so that several instances share them), bearer tokens, sign-out, and the lockout.
//
// Sign-in, in order:
//  1. a verification slot: at most `max_verifications` Argon2id checks run at once (each takes
//     ~64 MiB); beyond, kServiceUnavailable with Retry-After, nothing counted;
//  2. one write transaction counts the attempts of the last `lockout_window` for the name
//     (existing or not) and for the source address: `lockout_failures` or more of either →
//     kTooManyLoginAttempts with Retry-After, not counted; else the attempt is recorded, before
//     any password is checked, so that concurrent guesses cannot exceed the limit;
//  3. the password is verified — against a dummy hash for an unknown name, and for a disabled
//     operator too — so that the three refusals take the same time and give the same answer
//     (kInvalidCredentials), each audited as session.login_failed;
//  4. a success forgets the name's attempts (and this attempt's count against the address),
//     stores a session (keyed hash of a 32-byte random token) and audits session.login.
// Sessions end after `idle` without a request, `absolute` after sign-in, on sign-out, when the
// operator is disabled or its password reset. The CSRF token is a keyed hash of the session token:
// nothing more to store, and a reloaded page gets it back with GET /admin/v1/session.
// Thread-safe.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/admin_values.h"
#include "core/error.h"
#include "core/operators.h"
#include "core/ports/clock.h"
#include "core/ports/crypto.h"
#include "core/ports/random.h"
#include "core/ports/store.h"
#include "core/time.h"

namespace senderid {

struct OperatorAuthOptions {
  TimeMs idle = 30 * kMinute;
  TimeMs absolute = 12 * kHour;
  TimeMs lockout_window = 15 * kMinute;
  int lockout_failures = 5;
  int max_verifications = 2;
  // A session's last_seen_at is written at most this often (a request within it writes nothing),
  // so the idle end comes between `idle` and `idle` + this.
  TimeMs touch_interval = kMinute;
};

class OperatorAuth {
 public:
  OperatorAuth(Store& store, const Crypto& crypto, const Clock& clock, Random& random,
               OperatorAuthOptions options = {});

  // `source` is the client's address (the TCP peer).
  Result<SignedIn> SignIn(std::string_view name, std::string_view password,
                          std::string_view source);
  // The session of a cookie value; kUnauthorized when there is none (unknown, ended, expired, or
  // its operator disabled).
  Result<OperatorContext> Session(std::string_view session_token);
  // The operator of a bearer token; kUnauthorized as for sessions.
  Result<OperatorContext> Bearer(std::string_view token);
  // Ends the context's session (a bearer context has none: nothing happens) and audits it.
  Status SignOut(const OperatorContext& context, std::string_view source);
  // Whether `given` (an X-CSRF-Token header) is the session's token; constant time.
  bool CsrfMatches(const OperatorContext& context, std::string_view given) const;
  // Forgets expired sessions and attempts older than the lockout window; returns how many.
  Result<int> Prune();

  const OperatorAuthOptions& options() const { return options_; }

 private:
  // A verification slot, released when it goes.
  class Slot;
  Result<std::unique_ptr<Slot>> TakeSlot();
  Result<std::optional<Operator>> CountAttempt(const std::string& name, const std::string& source,
                                               const std::string& attempt_id, TimeMs now);
  const std::string& DummyHash();
  std::string SessionHash(std::string_view token) const;
  std::string CsrfToken(std::string_view token) const;
  Result<Operator> ActiveOperator(ReadTx& tx, const std::string& name);

  Store& store_;
  const Crypto& crypto_;
  const Clock& clock_;
  Random& random_;
  const OperatorAuthOptions options_;
  std::atomic<int> verifying_{0};
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // set once, under dummy_once_
};

}  // namespace senderid
