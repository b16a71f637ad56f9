#pragma once
// Review requests (SPEC §3.3–3.5, §10): evidence, limit raises and duplicate unlocks, with the
// documents attached to them. Inside a store transaction (see store.h). Written only by
// core/lifecycle.

#include <optional>
#include <string_view>
#include <vector>

#include "core/entities.h"
#include "core/error.h"
#include "core/values.h"

namespace senderid {

// The PENDING requests of one kind (the review backlog, SPEC §14 metrics).
struct PendingReviews {
  ReviewKind kind = ReviewKind::kApproval;
  int count = 0;             // ≥ 1
  TimeMs oldest_created = 0;  // the earliest date_created among them
};

class ReviewsReader {
 public:
  virtual ~ReviewsReader() = default;
  // Requests matching `filter`, with their document ids in order, oldest first (date_created, then
  // request_id): from filter.start_key (inclusive; an unknown id lists nothing) and at most
  // filter.limit when it is above 0.
  virtual Result<std::vector<ReviewRequest>> List(const ReviewFilter& filter) = 0;
  virtual Result<std::optional<ReviewRequest>> Find(std::string_view request_id) = 0;
  // Every account's PENDING requests, one entry per kind that has any, in ReviewKind order.
  virtual Result<std::vector<PendingReviews>> PendingByKind() = 0;
};

class ReviewsRepository : public ReviewsReader {
 public:
  // A new request with its documents attached (which makes them used). kAlreadyExists when the id
  // is taken.
  virtual Status Insert(const ReviewRequest& request) = 0;
  // Stores status, reason, reason_code, decided_by, date_decided and date_updated.
  virtual Status Update(const ReviewRequest& request) = 0;
  // Stores claimed_by and claimed_until (an operator's lease on the review, SPEC §13).
  virtual Status SetClaim(std::string_view request_id, std::string_view claimed_by,
                          TimeMs claimed_until) = 0;
  // Detaches the request's documents: they stay listed on it but count as used no more.
  virtual Status ReleaseDocuments(std::string_view request_id) = 0;
};

}  // namespace senderid
