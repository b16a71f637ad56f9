#pragma once
// The operator's side of papers (SPEC §10 `reviews`): list what waits, approve or reject it.
// Thread-safe.

#include <optional>
#include <string>
#include <vector>

#include "core/entities.h"
#include "core/error.h"
#include "core/ports/clock.h"
#include "core/ports/store.h"
#include "core/services/registry_options.h"

namespace senderid {

// A request with what an operator needs to decide it.
struct ReviewItem {
  ReviewRequest request;
  Account account;
  std::vector<Document> documents;  // those still stored, in the request's order
};

class ReviewsService {
 public:
  ReviewsService(Store& store, const Clock& clock, RegistryOptions options);

  // Oldest first.
  Result<std::vector<ReviewItem>> List(const ReviewFilter& filter);
  // Effects per SPEC §10: evidence → number ACTIVE by DOCUMENT; limitation → new limit; unlock →
  // number PENDING (ownership still to prove). kNotFound for an unknown id, kConflict when already
  // decided or when evidence is for a number another account holds by now.
  Result<ReviewItem> Approve(const std::string& request_id, const std::optional<std::string>& reason,
                             const std::string& operator_name);
  // kValidationError without a reason.
  Result<ReviewItem> Reject(const std::string& request_id, const std::string& reason,
                            const std::string& operator_name);

 private:
  Result<ReviewItem> Decide(const std::string& request_id, bool approve,
                            const std::optional<std::string>& reason,
                            const std::string& operator_name);

  Store& store_;
  const Clock& clock_;
  RegistryOptions options_;
};

}  // namespace senderid
