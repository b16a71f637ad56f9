#pragma once
// OperatorsRepository over one SQLite connection inside an open transaction (SqliteTx owns it):
// operators, sessions and tokens (by keyed hash, stored as BLOBs), sign-in attempts (migration 7).
// Not thread-safe: used on the transaction's thread only. Errors as StoreError maps them.

#include "core/ports/operators_repository.h"
#include "store/sqlite/connection.h"

namespace senderid::sqlite {

class SqliteOperators final : public OperatorsRepository {
 public:
  explicit SqliteOperators(Connection& conn) : conn_(conn) {}

  Result<std::optional<Operator>> Find(std::string_view name) override;
  Result<std::vector<Operator>> List() override;
  Result<std::optional<OperatorSession>> FindSession(std::string_view token_hash) override;
  Result<std::optional<OperatorToken>> FindToken(std::string_view token_hash) override;
  Result<std::vector<TimeMs>> AttemptTimes(std::string_view name, std::string_view source,
                                           TimeMs since) override;

  Status Insert(const Operator& op) override;
  Status Update(const Operator& op) override;
  Status InsertSession(const OperatorSession& session) override;
  Status TouchSession(std::string_view token_hash, TimeMs last_seen_at) override;
  Status DeleteSession(std::string_view token_hash) override;
  Status DeleteSessions(std::string_view operator_name) override;
  Result<int> PruneSessions(TimeMs idle_before, TimeMs created_before) override;
  Status InsertToken(const OperatorToken& token) override;
  Result<int> DeleteTokens(std::string_view operator_name) override;
  Status InsertAttempt(const LoginAttempt& attempt) override;
  Status DeleteAttempt(std::string_view attempt_id) override;
  Status ClearAttempts(std::string_view name) override;
  Result<int> PruneAttempts(TimeMs before) override;

 private:
  Connection& conn_;
};

}  // namespace senderid::sqlite
