#pragma once
// Operators, their sessions and bearer tokens, and the sign-in attempts the lockout counts (SPEC
// §13), inside a store transaction (see store.h). Sessions live in the store so that several
// instances share them; tokens and sessions are found by their keyed hash only.

#include <optional>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/operators.h"

namespace senderid {

class OperatorsReader {
 public:
  virtual ~OperatorsReader() = default;
  // The operator called exactly `name`, or nullopt.
  virtual Result<std::optional<Operator>> Find(std::string_view name) = 0;
  // Every operator, by name.
  virtual Result<std::vector<Operator>> List() = 0;
  virtual Result<std::optional<OperatorSession>> FindSession(std::string_view token_hash) = 0;
  virtual Result<std::optional<OperatorToken>> FindToken(std::string_view token_hash) = 0;
  // Times (ascending) of the attempts made after `since` for `name` (when `source` is empty) or
  // from `source` (when `name` is empty).
  virtual Result<std::vector<TimeMs>> AttemptTimes(std::string_view name, std::string_view source,
                                                   TimeMs since) = 0;
};

class OperatorsRepository : public OperatorsReader {
 public:
  // kAlreadyExists when the name is taken.
  virtual Status Insert(const Operator& op) = 0;
  // Stores role, password_hash, state and date_updated of an existing operator.
  virtual Status Update(const Operator& op) = 0;

  // kAlreadyExists when the hash is taken. An unknown operator is kInternalError.
  virtual Status InsertSession(const OperatorSession& session) = 0;
  // Stores last_seen_at.
  virtual Status TouchSession(std::string_view token_hash, TimeMs last_seen_at) = 0;
  virtual Status DeleteSession(std::string_view token_hash) = 0;
  // Ends every session of the operator.
  virtual Status DeleteSessions(std::string_view operator_name) = 0;
  // Forgets sessions last seen before `idle_before` or created before `created_before`; returns how
  // many.
  virtual Result<int> PruneSessions(TimeMs idle_before, TimeMs created_before) = 0;

  // kAlreadyExists when the hash is taken. An unknown operator is kInternalError.
  virtual Status InsertToken(const OperatorToken& token) = 0;
  // Ends every token of the operator; returns how many.
  virtual Result<int> DeleteTokens(std::string_view operator_name) = 0;

  // kAlreadyExists when the id is taken. The name need not be an operator's.
  virtual Status InsertAttempt(const LoginAttempt& attempt) = 0;
  virtual Status DeleteAttempt(std::string_view attempt_id) = 0;
  // Forgets every attempt for `name` (a success, reset-password and enable reset the count).
  virtual Status ClearAttempts(std::string_view name) = 0;
  // Forgets attempts made before `before`; returns how many.
  virtual Result<int> PruneAttempts(TimeMs before) = 0;
};

}  // namespace senderid
