#pragma once
// The operator's side of papers (SPEC §10 `reviews`): list what waits, approve or reject it.
// Thread-safe.

#include <optional>
#include <string>
#include <vector>

#include "core/entities.h"
#include "core/error.h"
#include "core/lifecycle/lifecycle.h"
#include "core/ports/clock.h"
#include "core/ports/store.h"
#include "core/values.h"

namespace senderid {

class ReviewsService {
 public:
  ReviewsService(Store& store, const Clock& clock, const Lifecycle& lifecycle);

  // Oldest first.
  Result<std::vector<ReviewItem>> List(const ReviewFilter& filter);
  // Effects per SPEC §10: evidence → number ACTIVE by DOCUMENT; limitation → new limit; unlock →
  // number PENDING (ownership still to prove). Refusals: kNotFound (no such request),
  // kAlreadyDecided, kInvalidSenderId (its number was deleted meanwhile), and for evidence
  // kAlreadyApproved (verified meanwhile) or kDuplicatedSenderId (held elsewhere, or DUPLICATED);
  // for an unlock kAlreadyApproved when the number is no longer DUPLICATED. A refused decision
  // changes nothing.
  Result<ReviewItem> Approve(const std::string& request_id, Decision decision);
  // kValidationError without a reason, or with an unknown reason code (default OTHER). A reason is
  // at most 500 characters on both.
  Result<ReviewItem> Reject(const std::string& request_id, Decision decision);

 private:
  static Status CheckReason(const Decision& decision);
  Result<ReviewItem> Decide(const std::string& request_id, bool approve, const Decision& decision);

  Store& store_;
  const Clock& clock_;
  const Lifecycle& lifecycle_;
};

}  // namespace senderid
