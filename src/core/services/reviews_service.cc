#include "core/services/reviews_service.h"

#include "core/services/log_messages.h"
#include "core/services/numbers_service.h"
#include "core/services/verification_service.h"

namespace senderid {
namespace {

Result<ReviewItem> LoadItem(StoreReader& r, ReviewRequest request) {
  ReviewItem item;
  SID_ASSIGN_OR_RETURN(std::optional<Account> account, r.FindAccount(request.account_id));
  if (account) item.account = std::move(*account);
  for (const std::string& id : request.documents) {
    SID_ASSIGN_OR_RETURN(std::optional<Document> d, r.FindDocument(request.account_id, id));
    if (d) item.documents.push_back(std::move(*d));
  }
  item.request = std::move(request);
  return item;
}

Error Conflict(std::string why) { return Error(ErrorCode::kConflict, std::move(why)); }

}  // namespace

ReviewsService::ReviewsService(Store& store, const Clock& clock, RegistryOptions options)
    : store_(store), clock_(clock), options_(options) {}

Result<std::vector<ReviewItem>> ReviewsService::List(const ReviewFilter& filter) {
  return ReadValue<std::vector<ReviewItem>>(
      store_, [&](StoreReader& r) -> Result<std::vector<ReviewItem>> {
        SID_ASSIGN_OR_RETURN(std::vector<ReviewRequest> requests, r.ListReviewRequests(filter));
        std::vector<ReviewItem> items;
        for (ReviewRequest& request : requests) {
          SID_ASSIGN_OR_RETURN(ReviewItem item, LoadItem(r, std::move(request)));
          items.push_back(std::move(item));
        }
        return items;
      });
}

Result<ReviewItem> ReviewsService::Approve(const std::string& request_id,
                                           const std::optional<std::string>& reason,
                                           const std::string& operator_name) {
  return Decide(request_id, true, reason, operator_name);
}

Result<ReviewItem> ReviewsService::Reject(const std::string& request_id, const std::string& reason,
                                          const std::string& operator_name) {
  if (reason.empty()) return Error(ErrorCode::kValidationError, "a rejection needs a reason");
  return Decide(request_id, false, reason, operator_name);
}

Result<ReviewItem> ReviewsService::Decide(const std::string& request_id, bool approve,
                                          const std::optional<std::string>& reason,
                                          const std::string& operator_name) {
  const TimeMs now = clock_.Now();
  return WriteValue<ReviewItem>(store_, [&](StoreWriter& w) -> Result<ReviewItem> {
    SID_ASSIGN_OR_RETURN(std::optional<ReviewRequest> found, w.FindReviewRequest(request_id));
    if (!found) return Error(ErrorCode::kNotFound, "no request " + request_id);
    ReviewRequest r = std::move(*found);
    if (r.status != RequestStatus::kPending)
      return Conflict(request_id + " was already decided: " + std::string(ToString(r.status)));

    std::optional<SenderId> entry;
    if (r.kind != ReviewKind::kLimitation) {
      SID_TRY(registry::ApplyDueExpiries(w, r.account_id, now));
      SID_ASSIGN_OR_RETURN(entry, w.FindSenderId(r.account_id, r.phone_number));
      if (!entry || entry->handle_key != r.handle_key)
        return Conflict("the number of " + request_id + " is no longer registered");
    }
    r.status = approve ? RequestStatus::kApproved : RequestStatus::kRejected;
    r.reason = reason;
    r.decided_by = operator_name;
    r.date_decided = now;
    r.date_updated = now;
    SID_TRY(w.UpdateReviewRequest(r));

    switch (r.kind) {
      case ReviewKind::kApproval:
        if (!approve) {
          SID_TRY(registry::AppendLog(w, *entry, now, log_text::EvidenceRejected(*reason)));
          break;
        }
        if (IsVerified(entry->status))
          return Conflict("the number is already verified; reject " + request_id + " instead");
        if (entry->status == NumberStatus::kDuplicated)
          return Conflict("the number is DUPLICATED; its unlock comes first");
        if (!entry->duplicate_unlocked) {
          SID_ASSIGN_OR_RETURN(bool held, registry::HeldElsewhere(w, r.account_id,
                                                                  entry->phone_number, now));
          if (held)
            return Conflict("another account holds " + entry->phone_number +
                            " verified by now; resolve the duplicate first");
        }
        SID_TRY(registry::AppendLog(w, *entry, now, std::string(log_text::kEvidenceApproved)));
        SID_TRY(registry::MarkVerified(w, *entry, VerificationMethod::kDocument, now,
                                       options_.verified_lifetime_months));
        break;
      case ReviewKind::kDuplicate:
        if (!approve) {
          SID_TRY(registry::AppendLog(w, *entry, now, log_text::UnlockRejected(*reason)));
          break;
        }
        if (entry->status != NumberStatus::kDuplicated)
          return Conflict("the number is no longer DUPLICATED");
        entry->status = NumberStatus::kPending;
        entry->duplicate_unlocked = true;
        entry->expire_at = now + options_.pending_lifetime;
        SID_TRY(registry::AppendLog(w, *entry, now, std::string(log_text::kUnlockApproved)));
        break;
      case ReviewKind::kLimitation: {
        if (!approve) break;
        SID_ASSIGN_OR_RETURN(std::optional<Account> account, w.FindAccount(r.account_id));
        if (!account) return Error(ErrorCode::kInternalError, "account vanished");
        account->limit = r.limit_requested;
        account->date_updated = now;
        SID_TRY(w.UpdateAccount(*account));
        break;
      }
    }
    if (entry) {
      entry->date_updated = now;
      SID_TRY(w.UpdateSenderId(*entry));
    }
    SID_TRY(registry::TouchAccount(w, r.account_id, now));
    return LoadItem(w, std::move(r));
  });
}

}  // namespace senderid
