#pragma once
// Operator accounts (SPEC §13 `senderid operators …` and /admin/v1/operators): create, list,
// disable, enable, reset a password, issue and revoke bearer tokens. Every change is audited
// (core/audit.h) in its own transaction. Passwords are hashed (Crypto::HashPassword) before the
// transaction, never inside it. Thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/admin_values.h"
#include "core/error.h"
#include "core/operators.h"
#include "core/ports/clock.h"
#include "core/ports/crypto.h"
#include "core/ports/random.h"
#include "core/ports/store.h"

namespace senderid {

class OperatorsService {
 public:
  static constexpr size_t kMinPasswordChars = 12;
  static constexpr size_t kMaxPasswordBytes = 1000;

  OperatorsService(Store& store, const Crypto& crypto, const Clock& clock, Random& random);

  // A new ACTIVE operator. With `password` (at least 12 characters) that one, else a generated one;
  // either is returned once. kValidationError for a bad name or password; kAlreadyRegistered (409)
  // when the name is taken.
  Result<OperatorCredentials> Create(std::string_view name, OperatorRole role,
                                     std::optional<std::string> password, const Actor& actor);
  // By name.
  Result<std::vector<Operator>> List();
  // Refuses sign-in from now on and ends every session and token of the operator (they stay
  // ended after Enable). kNotFound for an unknown name. Disabling twice is not an error.
  Result<Operator> Disable(std::string_view name, const Actor& actor);
  // Lets the operator sign in again and clears its failed sign-ins.
  Result<Operator> Enable(std::string_view name, const Actor& actor);
  // A fresh generated password; ends the operator's sessions and clears its failed sign-ins.
  Result<OperatorCredentials> ResetPassword(std::string_view name, const Actor& actor);
  // A new bearer token (shown once, stored as its keyed hash) for an ACTIVE operator; kNotFound,
  // or kValidationError for a disabled one.
  Result<IssuedToken> IssueToken(std::string_view name, const Actor& actor);
  // Ends every token of the operator; returns how many.
  Result<int> RevokeTokens(std::string_view name, const Actor& actor);

  // What a token is stored as (the authenticator looks it up by this).
  static std::string TokenHash(const Crypto& crypto, std::string_view token);

 private:
  Result<std::string> NewPasswordHash(std::string& password);
  Result<Operator> SetState(std::string_view name, OperatorState state, const Actor& actor);

  Store& store_;
  const Crypto& crypto_;
  const Clock& clock_;
  Random& random_;
};

}  // namespace senderid
