#pragma once
// The operator's side of papers (SPEC §10 `reviews`, §13 /admin/v1/reviews): list what waits, look
// at one with the number's entry and its other holders, claim it for a while, approve or reject it.
// Decisions and claims are audited (core/audit.h) in their own transaction. Thread-safe.

#include <optional>
#include <string>
#include <vector>

#include "core/admin_values.h"
#include "core/entities.h"
#include "core/error.h"
#include "core/lifecycle/lifecycle.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"
#include "core/ports/store.h"
#include "core/values.h"

namespace senderid {

class ReviewsService {
 public:
  static constexpr TimeMs kClaimLease = 15 * kMinute;

  ReviewsService(Store& store, const Clock& clock, Random& random, const Lifecycle& lifecycle);

  // Oldest first.
  Result<std::vector<ReviewItem>> List(const ReviewFilter& filter);
  // One page of the listing (filter.limit items, default 50, from filter.start_key inclusive;
  // kValidationError for an unknown start key), each with its entry and other holders.
  Result<Page<ReviewDetail>> ListPage(ReviewFilter filter);
  // kNotFound for an unknown id.
  Result<ReviewDetail> Get(const std::string& request_id);
  // Claims the review for `actor` for kClaimLease; claiming one's own claim renews it. kNotFound,
  // kAlreadyDecided, kReviewClaimed (another operator's claim has not run out).
  Result<ReviewDetail> Claim(const std::string& request_id, const Actor& actor);
  // Effects per SPEC §10: evidence → number ACTIVE by DOCUMENT; limitation → new limit; unlock →
  // number PENDING (ownership still to prove). Refusals: kNotFound (no such request),
  // kAlreadyDecided, kInvalidSenderId (its number was deleted meanwhile), and for evidence
  // kAlreadyApproved (verified meanwhile) or kDuplicatedSenderId (held elsewhere, or DUPLICATED);
  // for an unlock kAlreadyApproved when the number is no longer DUPLICATED. A refused decision
  // changes nothing. With ClaimRule::kHonour, kReviewClaimed while another operator's claim runs.
  Result<ReviewItem> Approve(const std::string& request_id, Decision decision);
  // kValidationError without a reason, or with an unknown reason code (default OTHER). A reason is
  // at most 500 characters on both.
  Result<ReviewItem> Reject(const std::string& request_id, Decision decision);

 private:
  static Status CheckReason(const Decision& decision);
  Result<ReviewItem> Decide(const std::string& request_id, bool approve, const Decision& decision);

  Store& store_;
  const Clock& clock_;
  Random& random_;
  const Lifecycle& lifecycle_;
};

}  // namespace senderid
