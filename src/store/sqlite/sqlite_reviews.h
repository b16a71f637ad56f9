#pragma once
// ReviewsRepository over one SQLite connection inside an open transaction (SqliteTx owns it); also
// read by SqliteNumbers, whose complete entries carry their review requests. Not thread-safe: used
// on the transaction's thread only. Errors as StoreError maps them.

#include "core/ports/reviews_repository.h"
#include "store/sqlite/connection.h"

namespace senderid::sqlite {

class SqliteReviews final : public ReviewsRepository {
 public:
  explicit SqliteReviews(Connection& conn) : conn_(conn) {}

  Result<std::vector<ReviewRequest>> List(const ReviewFilter& filter) override;
  Result<std::optional<ReviewRequest>> Find(std::string_view request_id) override;
  Result<std::vector<PendingReviews>> PendingByKind() override;

  Status Insert(const ReviewRequest& request) override;
  Status Update(const ReviewRequest& request) override;
  Status SetClaim(std::string_view request_id, std::string_view claimed_by,
                  TimeMs claimed_until) override;
  Status ReleaseDocuments(std::string_view request_id) override;

 private:
  // Fills `documents` of requests read by their rows.
  Status LoadDocuments(std::vector<ReviewRequest>& requests);

  Connection& conn_;
};

}  // namespace senderid::sqlite
