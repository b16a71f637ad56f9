#include "core/services/papers_service.h"

#include "core/ids.h"
#include "core/messages.h"
#include "core/services/documents_service.h"
#include "core/services/log_messages.h"
#include "core/services/numbers_service.h"

namespace senderid {
namespace {

Error AlreadyRequested() {
  return Error(ErrorCode::kAlreadyRequested, std::string(message::kAlreadyRequested));
}

Status RequireDocuments(const std::vector<std::string>& documents) {
  if (documents.empty())
    return Error(ErrorCode::kValidationError, "'documents' must list at least one document id");
  return OkStatus();
}

bool HasPending(const std::vector<ReviewRequest>& requests) {
  for (const ReviewRequest& r : requests)
    if (r.status == RequestStatus::kPending) return true;
  return false;
}

}  // namespace

namespace registry {

Status OpenApproval(StoreWriter& w, SenderId& entry, std::string approval_id,
                    std::vector<std::string> documents, TimeMs now) {
  ReviewRequest r;
  r.request_id = std::move(approval_id);
  r.kind = ReviewKind::kApproval;
  r.account_id = entry.account_id;
  r.handle_key = entry.handle_key;
  r.phone_number = entry.phone_number;
  r.documents = std::move(documents);
  r.date_created = now;
  r.date_updated = now;
  SID_TRY(w.InsertReviewRequest(r));
  entry.approvals.push_back(std::move(r));
  entry.date_updated = now;
  SID_TRY(AppendLog(w, entry, now, std::string(log_text::kDocumentsSubmitted)));
  return w.UpdateSenderId(entry);
}

Status CloseEntryRequests(StoreWriter& w, const SenderId& entry, TimeMs now) {
  ReviewFilter filter;
  filter.account_id = entry.account_id;
  filter.handle_key = entry.handle_key;
  SID_ASSIGN_OR_RETURN(std::vector<ReviewRequest> requests, w.ListReviewRequests(filter));
  for (ReviewRequest& r : requests) {
    if (r.status == RequestStatus::kPending) {
      r.status = RequestStatus::kCancelled;
      r.date_updated = now;
      SID_TRY(w.UpdateReviewRequest(r));
    }
    SID_TRY(w.ReleaseDocuments(r.request_id));
  }
  return OkStatus();
}

}  // namespace registry

PapersService::PapersService(Store& store, const Clock& clock, Random& random)
    : store_(store), clock_(clock), random_(random) {}

Result<AccountDoc> PapersService::SubmitEvidence(const std::string& account_id,
                                                 std::string_view phone_number,
                                                 const std::vector<std::string>& documents) {
  SID_TRY(RequireDocuments(documents));
  const TimeMs now = clock_.Now();
  std::string approval_id = NewId(kApprovalPrefix, now, random_);
  return WriteValue<AccountDoc>(store_, [&](StoreWriter& w) -> Result<AccountDoc> {
    SID_TRY(registry::ApplyDueExpiries(w, account_id, now));
    SID_ASSIGN_OR_RETURN(SenderId entry, registry::FindEntry(w, account_id, phone_number));
    SID_ASSIGN_OR_RETURN(std::vector<std::string> docs,
                         registry::CheckDocuments(w, account_id, documents));
    if (IsVerified(entry.status))
      return Error(ErrorCode::kAlreadyApproved, std::string(message::kAlreadyApproved));
    if (entry.status == NumberStatus::kDuplicated)
      return Error(ErrorCode::kDuplicatedSenderId, std::string(message::kDuplicatedSenderId));
    if (HasPending(entry.approvals)) return AlreadyRequested();
    SID_TRY(registry::OpenApproval(w, entry, approval_id, std::move(docs), now));
    SID_TRY(registry::TouchAccount(w, account_id, now));
    return registry::LoadDoc(w, account_id);
  });
}

Result<AccountDoc> PapersService::RequestLimit(const std::string& account_id,
                                               const std::vector<std::string>& documents,
                                               int64_t limit) {
  SID_TRY(RequireDocuments(documents));
  const TimeMs now = clock_.Now();
  std::string limitation_id = NewId(kLimitationPrefix, now, random_);
  return WriteValue<AccountDoc>(store_, [&](StoreWriter& w) -> Result<AccountDoc> {
    SID_ASSIGN_OR_RETURN(std::vector<std::string> docs,
                         registry::CheckDocuments(w, account_id, documents));
    SID_ASSIGN_OR_RETURN(std::optional<Account> account, w.FindAccount(account_id));
    if (!account) return Error(ErrorCode::kInternalError, "account vanished");
    if (limit <= account->limit || limit > 1'000'000)
      return Error(ErrorCode::kValidationError,
                   "'limit' must be an integer greater than the current limit (" +
                       std::to_string(account->limit) + ")");
    ReviewFilter filter;
    filter.account_id = account_id;
    filter.kind = ReviewKind::kLimitation;
    filter.status = RequestStatus::kPending;
    SID_ASSIGN_OR_RETURN(std::vector<ReviewRequest> pending, w.ListReviewRequests(filter));
    if (!pending.empty()) return AlreadyRequested();
    ReviewRequest r;
    r.request_id = limitation_id;
    r.kind = ReviewKind::kLimitation;
    r.account_id = account_id;
    r.documents = std::move(docs);
    r.limit_requested = static_cast<int>(limit);
    r.limit_before_request = account->limit;
    r.date_created = now;
    r.date_updated = now;
    SID_TRY(w.InsertReviewRequest(r));
    SID_TRY(registry::TouchAccount(w, account_id, now));
    return registry::LoadDoc(w, account_id);
  });
}

Result<AccountDoc> PapersService::RequestUnlock(const Account& account,
                                                std::string_view phone_number,
                                                const std::string& reason,
                                                const std::optional<std::string>& contact_name) {
  if (reason.empty()) return Error(ErrorCode::kValidationError, "'reason' is required");
  const TimeMs now = clock_.Now();
  std::string duplicate_id = NewId(kDuplicatePrefix, now, random_);
  const std::string& account_id = account.account_id;
  return WriteValue<AccountDoc>(store_, [&](StoreWriter& w) -> Result<AccountDoc> {
    SID_TRY(registry::ApplyDueExpiries(w, account_id, now));
    SID_ASSIGN_OR_RETURN(SenderId entry, registry::FindEntry(w, account_id, phone_number));
    if (entry.status != NumberStatus::kDuplicated)
      return Error(ErrorCode::kAlreadyApproved, std::string(message::kAlreadyApproved));
    if (entry.unlock && entry.unlock->status == RequestStatus::kPending) return AlreadyRequested();
    ReviewRequest r;
    r.request_id = duplicate_id;
    r.kind = ReviewKind::kDuplicate;
    r.account_id = account_id;
    r.handle_key = entry.handle_key;
    r.phone_number = entry.phone_number;
    r.reason_for_requested = reason;
    r.contact_name = contact_name && !contact_name->empty() ? *contact_name : account.name;
    r.date_created = now;
    r.date_updated = now;
    SID_TRY(w.InsertReviewRequest(r));
    entry.date_updated = now;
    SID_TRY(registry::AppendLog(w, entry, now,
                                log_text::UnlockRequested(r.contact_name, r.reason_for_requested)));
    SID_TRY(w.UpdateSenderId(entry));
    SID_TRY(registry::TouchAccount(w, account_id, now));
    return registry::LoadDoc(w, account_id);
  });
}

}  // namespace senderid
