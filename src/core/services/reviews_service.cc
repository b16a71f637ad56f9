#include "core/services/reviews_service.h"

#include "core/audit.h"
#include "core/bounds.h"
#include "core/catalogue.h"
#include "core/lifecycle/queries.h"

namespace senderid {
namespace {

Result<ReviewItem> LoadItem(ReadTx& tx, ReviewRequest request) {
  ReviewItem item;
  SID_ASSIGN_OR_RETURN(std::optional<Account> account, tx.accounts().Find(request.account_id));
  if (account) item.account = std::move(*account);
  for (const std::string& id : request.documents) {
    SID_ASSIGN_OR_RETURN(std::optional<Document> d, tx.documents().Find(request.account_id, id));
    if (d) item.documents.push_back(std::move(*d));
  }
  item.request = std::move(request);
  return item;
}

Error Refused(ErrorCode code, std::string why) { return Error(code, std::move(why)); }

Result<ReviewDetail> LoadDetail(ReadTx& tx, ReviewRequest request, TimeMs now) {
  ReviewDetail detail;
  if (request.kind != ReviewKind::kLimitation) {
    SID_ASSIGN_OR_RETURN(std::optional<SenderId> entry,
                         tx.numbers().Find(request.account_id, request.phone_number));
    if (entry && entry->handle_key == request.handle_key) {
      entry->status = EffectiveStatus(*entry, now);
      detail.entry = std::move(entry);
    }
    SID_ASSIGN_OR_RETURN(std::vector<SenderId> all, tx.numbers().ListByNumber(request.phone_number));
    for (const SenderId& e : all)
      if (e.account_id != request.account_id)
        detail.other_holders.push_back(NumberHolder{e.account_id, EffectiveStatus(e, now)});
  }
  SID_ASSIGN_OR_RETURN(detail.item, LoadItem(tx, std::move(request)));
  return detail;
}

bool ClaimedByOther(const ReviewRequest& r, std::string_view who, TimeMs now) {
  return r.claimed_by && *r.claimed_by != who && r.claimed_until && *r.claimed_until > now;
}

// Whether evidence may be approved for `entry` now (SPEC §10): not verified meanwhile, not
// DUPLICATED, and not held by another account (unless its unlock was approved).
Status CheckEvidenceApprovable(ReadTx& tx, const ReviewRequest& r, const SenderId& entry,
                               TimeMs now) {
  if (IsVerified(entry.status))
    return Refused(ErrorCode::kAlreadyApproved,
                   "the number is already verified; reject " + r.request_id + " instead");
  if (entry.status == NumberStatus::kDuplicated)
    return Refused(ErrorCode::kDuplicatedSenderId, "the number is DUPLICATED; its unlock comes first");
  if (entry.duplicate_unlocked) return OkStatus();
  SID_ASSIGN_OR_RETURN(bool held, HeldElsewhere(tx, r.account_id, entry.phone_number, now));
  if (held)
    return Refused(ErrorCode::kDuplicatedSenderId,
                   "another account holds " + entry.phone_number +
                       " verified by now; resolve the duplicate first");
  return OkStatus();
}

}  // namespace

ReviewsService::ReviewsService(Store& store, const Clock& clock, Random& random,
                               const Lifecycle& lifecycle)
    : store_(store), clock_(clock), random_(random), lifecycle_(lifecycle) {}

Result<Page<ReviewDetail>> ReviewsService::ListPage(ReviewFilter filter) {
  if (filter.limit <= 0) filter.limit = 50;
  const int wanted = filter.limit;
  filter.limit = wanted + 1;  // one more tells whether there is a next page
  const TimeMs now = clock_.Now();
  return ReadValue<Page<ReviewDetail>>(
      store_, [&](ReadTx& tx) -> Result<Page<ReviewDetail>> {
        if (!filter.start_key.empty()) {
          SID_ASSIGN_OR_RETURN(std::optional<ReviewRequest> start,
                               tx.reviews().Find(filter.start_key));
          if (!start)
            return Error(ErrorCode::kValidationError, std::string(text::admin::kStartKeyUnknown));
        }
        SID_ASSIGN_OR_RETURN(std::vector<ReviewRequest> requests, tx.reviews().List(filter));
        Page<ReviewDetail> page;
        if (requests.size() > static_cast<size_t>(wanted)) {
          page.next_key = requests[static_cast<size_t>(wanted)].request_id;
          requests.resize(static_cast<size_t>(wanted));
        }
        for (ReviewRequest& r : requests) {
          SID_ASSIGN_OR_RETURN(ReviewDetail d, LoadDetail(tx, std::move(r), now));
          page.data.push_back(std::move(d));
        }
        return page;
      });
}

Result<ReviewDetail> ReviewsService::Get(const std::string& request_id) {
  const TimeMs now = clock_.Now();
  return ReadValue<ReviewDetail>(store_, [&](ReadTx& tx) -> Result<ReviewDetail> {
    SID_ASSIGN_OR_RETURN(std::optional<ReviewRequest> found, tx.reviews().Find(request_id));
    if (!found) return Refused(ErrorCode::kNotFound, "no request " + request_id);
    return LoadDetail(tx, std::move(*found), now);
  });
}

Result<ReviewDetail> ReviewsService::Claim(const std::string& request_id, const Actor& actor) {
  const TimeMs now = clock_.Now();
  return WriteValue<ReviewDetail>(store_, [&](WriteTx& tx) -> Result<ReviewDetail> {
    SID_ASSIGN_OR_RETURN(std::optional<ReviewRequest> found, tx.reviews().Find(request_id));
    if (!found) return Refused(ErrorCode::kNotFound, "no request " + request_id);
    ReviewRequest r = std::move(*found);
    if (r.status != RequestStatus::kPending)
      return Refused(ErrorCode::kAlreadyDecided, std::string(text::message::kAlreadyDecided));
    if (ClaimedByOther(r, actor.name, now))
      return Refused(ErrorCode::kReviewClaimed, std::string(text::admin::kReviewClaimed));
    r.claimed_by = actor.name;
    r.claimed_until = now + kClaimLease;
    SID_TRY(tx.reviews().SetClaim(r.request_id, *r.claimed_by, *r.claimed_until));
    SID_TRY(audit::Record(tx, random_, now, actor, audit::kReviewClaim, r.request_id));
    return LoadDetail(tx, std::move(r), now);
  });
}

Result<std::vector<ReviewItem>> ReviewsService::List(const ReviewFilter& filter) {
  return ReadValue<std::vector<ReviewItem>>(
      store_, [&](ReadTx& tx) -> Result<std::vector<ReviewItem>> {
        SID_ASSIGN_OR_RETURN(std::vector<ReviewRequest> requests, tx.reviews().List(filter));
        std::vector<ReviewItem> items;
        for (ReviewRequest& request : requests) {
          SID_ASSIGN_OR_RETURN(ReviewItem item, LoadItem(tx, std::move(request)));
          items.push_back(std::move(item));
        }
        return items;
      });
}

Result<ReviewItem> ReviewsService::Approve(const std::string& request_id, Decision decision) {
  SID_TRY(CheckReason(decision));
  decision.reason_code.reset();
  return Decide(request_id, true, decision);
}

Result<ReviewItem> ReviewsService::Reject(const std::string& request_id, Decision decision) {
  if (!decision.reason || decision.reason->empty())
    return Error(ErrorCode::kValidationError, std::string(text::invalid::kRejectionReason));
  SID_TRY(CheckReason(decision));
  if (!decision.reason_code) decision.reason_code = std::string(kDefaultReasonCode);
  if (!IsReasonCode(*decision.reason_code))
    return Error(ErrorCode::kValidationError, std::string(text::invalid::kReasonCode));
  return Decide(request_id, false, decision);
}

Status ReviewsService::CheckReason(const Decision& decision) {
  if (decision.reason && bounds::CodePoints(*decision.reason) > bounds::kOperatorReasonChars)
    return Error(ErrorCode::kValidationError, std::string(text::invalid::kReasonTooLong));
  return OkStatus();
}

Result<ReviewItem> ReviewsService::Decide(const std::string& request_id, bool approve,
                                          const Decision& decision) {
  const TimeMs now = clock_.Now();
  return WriteValue<ReviewItem>(store_, [&](WriteTx& tx) -> Result<ReviewItem> {
    SID_ASSIGN_OR_RETURN(std::optional<ReviewRequest> found, tx.reviews().Find(request_id));
    if (!found) return Refused(ErrorCode::kNotFound, "no request " + request_id);
    ReviewRequest r = std::move(*found);
    if (r.status != RequestStatus::kPending)
      return Refused(ErrorCode::kAlreadyDecided,
                     request_id + " was already decided: " + std::string(ToString(r.status)));
    if (decision.claims == ClaimRule::kHonour && ClaimedByOther(r, decision.decided_by, now))
      return Refused(ErrorCode::kReviewClaimed, std::string(text::admin::kReviewClaimed));
    SID_TRY(audit::Record(tx, random_, now, Actor{decision.decided_by, decision.source_address},
                          approve ? audit::kReviewApprove : audit::kReviewReject, r.request_id,
                          decision.reason));
    Changes changes = lifecycle_.Begin(tx, now);

    if (r.kind == ReviewKind::kLimitation) {
      SID_TRY(approve ? changes.ApproveLimit(r, decision) : changes.RejectLimit(r, decision));
      return LoadItem(tx, std::move(r));
    }
    SID_TRY(changes.ExpireDue(r.account_id));
    SID_ASSIGN_OR_RETURN(std::optional<SenderId> entry, tx.numbers().Find(r.account_id, r.phone_number));
    if (!entry || entry->handle_key != r.handle_key)
      return Refused(ErrorCode::kInvalidSenderId,
                     "the number of " + request_id + " is no longer registered");
    if (r.kind == ReviewKind::kApproval) {
      if (approve) {
        SID_TRY(CheckEvidenceApprovable(tx, r, *entry, now));
        SID_TRY(changes.ApproveEvidence(r, *entry, decision));
      } else {
        SID_TRY(changes.RejectEvidence(r, *entry, decision));
      }
    } else if (approve) {
      if (entry->status != NumberStatus::kDuplicated)
        return Refused(ErrorCode::kAlreadyApproved, "the number is no longer DUPLICATED");
      SID_TRY(changes.ApproveUnlock(r, *entry, decision));
    } else {
      SID_TRY(changes.RejectUnlock(r, *entry, decision));
    }
    return LoadItem(tx, std::move(r));
  });
}

}  // namespace senderid
