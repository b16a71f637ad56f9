#pragma once
// The operators' side of the registry (SPEC §13) as plain values: operator accounts, their signed-in
// sessions and bearer tokens as stored (hashed), sign-in attempts counted for the lockout, the
// audit log, and who acts (Actor). No behaviour beyond naming; the rules are in
// core/services/operators_service.h and operator_auth.h, storage behind
// core/ports/operators_repository.h and audit_repository.h.

#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace senderid {

// reviewer: reviews, documents, number lookup, audit. admin: everything, plus accounts, keys and
// operators.
enum class OperatorRole { kReviewer, kAdmin };
std::string_view ToString(OperatorRole role);  // "reviewer", "admin"
std::optional<OperatorRole> ParseOperatorRole(std::string_view s);
// Whether `role` may do what `needed` may.
inline bool RoleAllows(OperatorRole role, OperatorRole needed) {
  return role == OperatorRole::kAdmin || needed == OperatorRole::kReviewer;
}

enum class OperatorState { kActive, kDisabled };
std::string_view ToString(OperatorState state);  // "ACTIVE", "DISABLED"
std::optional<OperatorState> ParseOperatorState(std::string_view s);

// Names: 1–64 of [A-Za-z0-9._@-] (they appear in audit entries, review decisions and logs).
bool IsOperatorName(std::string_view name);

struct Operator {
  std::string name;
  OperatorRole role = OperatorRole::kReviewer;
  std::string password_hash;  // Crypto::HashPassword (Argon2id, libsodium's string form)
  OperatorState state = OperatorState::kActive;
  TimeMs date_created = 0;
  TimeMs date_updated = 0;
};

// A signed-in browser. The cookie value is never stored: only its keyed hash.
struct OperatorSession {
  std::string token_hash;  // Crypto::KeyedHash of the cookie value
  std::string operator_name;
  TimeMs created_at = 0;
  TimeMs last_seen_at = 0;  // idle expiry counts from here
};

// A bearer token for automation (`senderid operators token`), stored as its keyed hash.
struct OperatorToken {
  std::string token_hash;
  std::string operator_name;
  TimeMs created_at = 0;
};

// One sign-in attempt, counted before its password is checked (SPEC §13 lockout): against the
// name (existing or not) and against the source address.
struct LoginAttempt {
  std::string attempt_id;
  std::string name;
  std::string source;  // the TCP peer's address
  TimeMs at = 0;
};

// Who does something: an operator through the admin API (source = the TCP peer's address), or a
// shell user through the CLI (source = "cli", name = --operator or the login user).
struct Actor {
  std::string name;
  std::string source;
};
inline constexpr std::string_view kCliSource = "cli";

// One line of the append-only audit log (SPEC §13).
struct AuditEntry {
  std::string audit_id;  // AUD… (the id format of SPEC §1)
  std::string operator_name;
  std::string action;  // session.login, review.approve, … (core/audit.h)
  std::string target;  // review id, account id, API key, operator name or phone number
  std::optional<std::string> reason;
  std::string source_address;
  TimeMs date_created = 0;
};

}  // namespace senderid
