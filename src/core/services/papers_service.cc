#include "core/services/papers_service.h"

#include "core/catalogue.h"
#include "core/ids.h"
#include "core/lifecycle/queries.h"

namespace senderid {
namespace {

Error AlreadyRequested() {
  return Error(ErrorCode::kAlreadyRequested, std::string(text::message::kAlreadyRequested));
}

Status RequireDocuments(const std::vector<std::string>& documents) {
  if (documents.empty())
    return Error(ErrorCode::kValidationError, std::string(text::invalid::kDocumentsRequired));
  return OkStatus();
}

bool HasPending(const std::vector<ReviewRequest>& requests) {
  for (const ReviewRequest& r : requests)
    if (r.status == RequestStatus::kPending) return true;
  return false;
}

}  // namespace

PapersService::PapersService(Store& store, const Clock& clock, Random& random,
                             const Lifecycle& lifecycle)
    : store_(store), clock_(clock), random_(random), lifecycle_(lifecycle) {}

Result<AccountDoc> PapersService::SubmitEvidence(const std::string& account_id,
                                                 std::string_view phone_number,
                                                 const std::vector<std::string>& documents) {
  SID_TRY(RequireDocuments(documents));
  const TimeMs now = clock_.Now();
  const std::string approval_id = NewId(kApprovalPrefix, now, random_);
  return WriteValue<AccountDoc>(store_, [&](WriteTx& tx) -> Result<AccountDoc> {
    Changes changes = lifecycle_.Begin(tx, now);
    SID_TRY(changes.ExpireDue(account_id));
    SID_ASSIGN_OR_RETURN(SenderId entry, FindEntry(tx, account_id, phone_number));
    SID_ASSIGN_OR_RETURN(std::vector<std::string> docs, CheckDocuments(tx, account_id, documents));
    if (IsVerified(entry.status))
      return Error(ErrorCode::kAlreadyApproved, std::string(text::message::kAlreadyApproved));
    if (entry.status == NumberStatus::kDuplicated)
      return Error(ErrorCode::kDuplicatedSenderId, std::string(text::message::kDuplicatedSenderId));
    if (HasPending(entry.approvals)) return AlreadyRequested();
    SID_TRY(changes.RequestEvidence(entry, std::move(docs), approval_id));
    return LoadAccountDoc(tx, account_id);
  });
}

Result<AccountDoc> PapersService::RequestLimit(const std::string& account_id,
                                               const std::vector<std::string>& documents,
                                               int64_t limit) {
  SID_TRY(RequireDocuments(documents));
  const TimeMs now = clock_.Now();
  const std::string limitation_id = NewId(kLimitationPrefix, now, random_);
  return WriteValue<AccountDoc>(store_, [&](WriteTx& tx) -> Result<AccountDoc> {
    SID_ASSIGN_OR_RETURN(std::vector<std::string> docs, CheckDocuments(tx, account_id, documents));
    SID_ASSIGN_OR_RETURN(Account account, LoadAccount(tx, account_id));
    if (limit <= account.limit || limit > 1'000'000)
      return Error(ErrorCode::kValidationError, text::invalid::LimitNotGreater(account.limit));
    ReviewFilter filter;
    filter.account_id = account_id;
    filter.kind = ReviewKind::kLimitation;
    filter.status = RequestStatus::kPending;
    SID_ASSIGN_OR_RETURN(std::vector<ReviewRequest> pending, tx.reviews().List(filter));
    if (!pending.empty()) return AlreadyRequested();
    SID_TRY(lifecycle_.Begin(tx, now).RequestLimit(account, std::move(docs),
                                                   static_cast<int>(limit), limitation_id));
    return LoadAccountDoc(tx, account_id);
  });
}

Result<AccountDoc> PapersService::RequestUnlock(const Account& account,
                                                std::string_view phone_number,
                                                const std::string& reason,
                                                const std::optional<std::string>& contact_name) {
  if (reason.empty())
    return Error(ErrorCode::kValidationError, std::string(text::invalid::kReasonRequired));
  const TimeMs now = clock_.Now();
  const std::string duplicate_id = NewId(kDuplicatePrefix, now, random_);
  const std::string& account_id = account.account_id;
  return WriteValue<AccountDoc>(store_, [&](WriteTx& tx) -> Result<AccountDoc> {
    Changes changes = lifecycle_.Begin(tx, now);
    SID_TRY(changes.ExpireDue(account_id));
    SID_ASSIGN_OR_RETURN(SenderId entry, FindEntry(tx, account_id, phone_number));
    if (entry.status != NumberStatus::kDuplicated)
      return Error(ErrorCode::kAlreadyApproved, std::string(text::message::kAlreadyApproved));
    if (entry.unlock && entry.unlock->status == RequestStatus::kPending) return AlreadyRequested();
    const std::string name = contact_name && !contact_name->empty() ? *contact_name : account.name;
    SID_TRY(changes.RequestUnlock(entry, reason, name, duplicate_id));
    return LoadAccountDoc(tx, account_id);
  });
}

}  // namespace senderid
