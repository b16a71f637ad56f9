#pragma once
// NumbersRepository over one SQLite connection inside an open transaction (SqliteTx owns it).
// Complete entries carry their review requests, which it reads through the transaction's
// SqliteReviews. Not thread-safe: used on the transaction's thread only. Errors as StoreError maps
// them.

#include "core/ports/numbers_repository.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/sqlite_reviews.h"

namespace senderid::sqlite {

class SqliteNumbers final : public NumbersRepository {
 public:
  SqliteNumbers(Connection& conn, SqliteReviews& reviews) : conn_(conn), reviews_(reviews) {}

  Result<std::vector<SenderId>> List(std::string_view account_id) override;
  Result<std::optional<SenderId>> Find(std::string_view account_id,
                                       std::string_view phone_number) override;
  Result<std::vector<SenderId>> ListByNumber(std::string_view phone_number) override;
  Result<int> Count(std::string_view account_id) override;
  Result<std::vector<std::string>> ListActive(std::string_view account_id, TimeMs now) override;
  Result<bool> HasDueExpiries(std::string_view account_id, TimeMs now) override;
  Result<std::vector<std::string>> AccountsWithDueExpiries(TimeMs now, int max) override;
  Result<std::vector<std::string>> AccountsWithExpiryNotices(TimeMs now, TimeMs horizon,
                                                             int max) override;
  Result<bool> IsSpecialAllowed(std::string_view account_id,
                                std::string_view phone_number) override;

  Status Insert(const SenderId& entry) override;
  Status Update(const SenderId& entry) override;
  Status AppendLog(std::string_view handle_key, const LogEntry& line) override;
  Status Delete(std::string_view handle_key) override;
  Status AllowSpecial(std::string_view account_id, std::string_view phone_number,
                      TimeMs now) override;

 private:
  // Fills log, approvals and unlock of entries read by their rows (all of one account).
  Status LoadDetails(std::vector<SenderId>& entries);

  Connection& conn_;
  SqliteReviews& reviews_;
};

}  // namespace senderid::sqlite
