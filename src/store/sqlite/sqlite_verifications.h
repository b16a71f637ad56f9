#pragma once
// VerificationsRepository over one SQLite connection inside an open transaction (SqliteTx owns
// it). Not thread-safe: used on the transaction's thread only. Errors as StoreError maps them.

#include "core/ports/verifications_repository.h"
#include "store/sqlite/connection.h"

namespace senderid::sqlite {

class SqliteVerifications final : public VerificationsRepository {
 public:
  explicit SqliteVerifications(Connection& conn) : conn_(conn) {}

  Result<std::optional<MfaTransaction>> Find(std::string_view transaction_id) override;
  Result<std::vector<TimeMs>> CallTimes(std::string_view account_id, std::string_view phone_number,
                                        TimeMs since) override;

  Status Insert(const MfaTransaction& t) override;
  Status Update(const MfaTransaction& t) override;
  Status Delete(std::string_view transaction_id) override;
  Status VoidOpen(std::string_view handle_key, std::string_view except) override;
  Result<int> Prune(TimeMs before) override;

 private:
  Connection& conn_;
};

}  // namespace senderid::sqlite
