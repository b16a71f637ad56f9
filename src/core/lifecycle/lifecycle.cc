#include "core/lifecycle/lifecycle.h"

#include <algorithm>
#include <utility>

#include "core/catalogue.h"
#include "core/ids.h"
#include "core/lifecycle/queries.h"

namespace senderid {
namespace {

// A new PENDING request of `kind` about `entry`, made now.
ReviewRequest NewEntryRequest(ReviewKind kind, const SenderId& entry, std::string id, TimeMs now) {
  ReviewRequest r;
  r.request_id = std::move(id);
  r.kind = kind;
  r.account_id = entry.account_id;
  r.handle_key = entry.handle_key;
  r.phone_number = entry.phone_number;
  r.date_created = now;
  r.date_updated = now;
  return r;
}

EventType CancelledType(ReviewKind kind) {
  return kind == ReviewKind::kDuplicate ? EventType::kDuplicateCancelled
                                        : EventType::kApprovalCancelled;
}

}  // namespace

Lifecycle::Lifecycle(Random& random, const EventEncoder& encoder, RegistryOptions options)
    : random_(random), encoder_(encoder), options_(options) {}

Changes Lifecycle::Begin(WriteTx& tx, TimeMs now) const { return Changes(tx, now, *this); }

Changes::Changes(WriteTx& tx, TimeMs now, const Lifecycle& lifecycle)
    : tx_(tx), now_(now), lifecycle_(lifecycle) {}

// --- sender numbers ------------------------------------------------------------------------------

Result<SenderId> Changes::Register(const std::string& account_id, const std::string& phone_number,
                                   bool held_elsewhere, std::string handle_key) {
  SenderId entry;
  entry.handle_key = std::move(handle_key);
  entry.account_id = account_id;
  entry.phone_number = phone_number;
  entry.status = held_elsewhere ? NumberStatus::kDuplicated : NumberStatus::kPending;
  // A DUPLICATED entry waits for an unlock or a delete: it has no period to lapse (SPEC §7).
  if (!held_elsewhere) entry.expire_at = now_ + lifecycle_.options_.pending_lifetime;
  entry.date_created = now_;
  entry.date_updated = now_;
  const LogEntry created{now_, std::string(text::log::kCreated)};
  entry.log.push_back(created);
  SID_TRY(tx_.numbers().Insert(entry));
  appended_[entry.handle_key].push_back(created);
  SID_TRY(TouchAccount(account_id));
  SID_TRY(RecordEntry(EventType::kSenderIdCreated, entry));
  return entry;
}

Status Changes::Verify(SenderId& entry, VerificationMethod method) {
  entry.status = NumberStatus::kActive;
  entry.method = method;
  entry.expire_at = AddCalendarMonths(now_, lifecycle_.options_.verified_lifetime_months);
  entry.expiry_noticed = false;  // a new verification: its own senderid.expiring to come
  SID_TRY(AppendLog(entry, now_, text::log::Verified(ToString(method))));
  SID_TRY(UpdateEntry(entry));
  SID_TRY(tx_.verifications().VoidOpen(entry.handle_key, ""));
  SID_TRY(RecordEntry(EventType::kSenderIdVerified, entry));

  // The number is held now: other accounts' unverified entries for it turn DUPLICATED, unless an
  // operator unlocked them (SPEC §4.1).
  SID_ASSIGN_OR_RETURN(std::vector<SenderId> others, tx_.numbers().ListByNumber(entry.phone_number));
  for (const SenderId& bare : others) {
    if (bare.account_id == entry.account_id || bare.duplicate_unlocked) continue;
    const NumberStatus status = EffectiveStatus(bare, now_);
    if (status != NumberStatus::kPending && status != NumberStatus::kExpired) continue;
    // Its lapse, if due, is recorded first, so its log and events tell the story in order.
    SID_TRY(ExpireDue(bare.account_id));
    SID_ASSIGN_OR_RETURN(std::optional<SenderId> other,
                         tx_.numbers().Find(bare.account_id, bare.phone_number));
    if (other) SID_TRY(TurnDuplicated(*other));
  }
  return OkStatus();
}

Status Changes::TurnDuplicated(SenderId& other) {
  other.status = NumberStatus::kDuplicated;
  other.expire_at.reset();
  SID_TRY(AppendLog(other, now_, std::string(text::log::kTurnedDuplicated)));
  SID_TRY(UpdateEntry(other));
  SID_TRY(tx_.verifications().VoidOpen(other.handle_key, ""));
  return RecordEntry(EventType::kSenderIdDuplicated, other);
}

Status Changes::SetStatus(SenderId& entry, NumberStatus status) {
  if (entry.status == status) return OkStatus();
  entry.status = status;
  SID_TRY(AppendLog(entry, now_, text::log::StatusChanged(ToString(status))));
  SID_TRY(UpdateEntry(entry));
  return RecordEntry(EventType::kSenderIdStatusChanged, entry);
}

Status Changes::ExpireDue(const std::string& account_id) {
  SID_ASSIGN_OR_RETURN(bool due, tx_.numbers().HasDueExpiries(account_id, now_));
  if (!due) return OkStatus();
  SID_ASSIGN_OR_RETURN(std::vector<SenderId> entries, tx_.numbers().List(account_id));
  for (SenderId& e : entries) {
    if (!IsDue(e, now_)) continue;
    e.status = NumberStatus::kExpired;
    // Logged at the moment it lapsed, whoever notices it first (the sweeper or a request).
    SID_TRY(AppendLog(e, *e.expire_at, std::string(text::log::kExpired)));
    SID_TRY(UpdateEntry(e));
    SID_TRY(RecordEntry(EventType::kSenderIdExpired, e));
  }
  return OkStatus();
}

Result<int> Changes::NoticeExpiring(const std::string& account_id) {
  SID_ASSIGN_OR_RETURN(std::vector<SenderId> entries, tx_.numbers().List(account_id));
  int noticed = 0;
  for (SenderId& e : entries) {
    if (!IsVerified(e.status) || e.expiry_noticed || !e.expire_at) continue;
    if (*e.expire_at <= now_ || *e.expire_at - now_ >= lifecycle_.options_.expiry_notice) continue;
    e.expiry_noticed = true;
    // Not a change of the entry as customers see it: dateUpdated stays, no log line.
    SID_TRY(tx_.numbers().Update(e));
    SID_TRY(RecordEntry(EventType::kSenderIdExpiring, e));
    ++noticed;
  }
  return noticed;
}

Status Changes::Delete(const SenderId& entry) {
  SenderId before = entry;
  ReviewFilter filter;
  filter.account_id = entry.account_id;
  filter.handle_key = entry.handle_key;
  SID_ASSIGN_OR_RETURN(std::vector<ReviewRequest> requests, tx_.reviews().List(filter));
  for (ReviewRequest& r : requests) {
    if (r.status == RequestStatus::kPending) {
      r.status = RequestStatus::kCancelled;
      r.date_updated = now_;
      SID_TRY(tx_.reviews().Update(r));
      SID_TRY(RecordRequest(CancelledType(r.kind), r));
      for (ReviewRequest& a : before.approvals)
        if (a.request_id == r.request_id) a = r;
      if (before.unlock && before.unlock->request_id == r.request_id) before.unlock = r;
    }
    SID_TRY(tx_.reviews().ReleaseDocuments(r.request_id));
  }
  SID_TRY(tx_.numbers().Delete(entry.handle_key));
  SID_TRY(TouchAccount(entry.account_id));
  return RecordEntry(EventType::kSenderIdDeleted, before);
}

// --- review requests -----------------------------------------------------------------------------

Result<ReviewRequest> Changes::RequestEvidence(SenderId& entry, std::vector<std::string> documents,
                                               std::string approval_id) {
  ReviewRequest r = NewEntryRequest(ReviewKind::kApproval, entry, std::move(approval_id), now_);
  r.documents = std::move(documents);
  SID_TRY(tx_.reviews().Insert(r));
  entry.approvals.push_back(r);
  SID_TRY(AppendLog(entry, now_, std::string(text::log::kDocumentsSubmitted)));
  SID_TRY(UpdateEntry(entry));
  SID_TRY(RecordRequest(EventType::kApprovalRequested, r));
  return r;
}

Result<ReviewRequest> Changes::RequestLimit(const Account& account,
                                            std::vector<std::string> documents,
                                            int limit_requested, std::string limitation_id) {
  ReviewRequest r;
  r.request_id = std::move(limitation_id);
  r.kind = ReviewKind::kLimitation;
  r.account_id = account.account_id;
  r.documents = std::move(documents);
  r.limit_requested = limit_requested;
  r.limit_before_request = account.limit;
  r.date_created = now_;
  r.date_updated = now_;
  SID_TRY(tx_.reviews().Insert(r));
  SID_TRY(TouchAccount(account.account_id));
  SID_TRY(RecordRequest(EventType::kLimitationRequested, r));
  return r;
}

Result<ReviewRequest> Changes::RequestUnlock(SenderId& entry, std::string reason,
                                             std::string contact_name, std::string duplicate_id) {
  ReviewRequest r = NewEntryRequest(ReviewKind::kDuplicate, entry, std::move(duplicate_id), now_);
  r.reason_for_requested = std::move(reason);
  r.contact_name = std::move(contact_name);
  SID_TRY(tx_.reviews().Insert(r));
  entry.unlock = r;
  SID_TRY(AppendLog(entry, now_, text::log::UnlockRequested(r.contact_name, r.reason_for_requested)));
  SID_TRY(UpdateEntry(entry));
  SID_TRY(RecordRequest(EventType::kDuplicateRequested, r));
  return r;
}

Status Changes::SaveDecision(ReviewRequest& request, RequestStatus status,
                             const Decision& decision) {
  request.status = status;
  request.reason = decision.reason;
  request.reason_code =
      status == RequestStatus::kRejected ? decision.reason_code : std::optional<std::string>();
  request.decided_by = decision.decided_by;
  request.date_decided = now_;
  request.date_updated = now_;
  SID_TRY(tx_.reviews().Update(request));
  return TouchAccount(request.account_id);
}

Status Changes::ApproveEvidence(ReviewRequest& request, SenderId& entry, const Decision& decision) {
  SID_TRY(SaveDecision(request, RequestStatus::kApproved, decision));
  for (ReviewRequest& a : entry.approvals)
    if (a.request_id == request.request_id) a = request;
  SID_TRY(RecordRequest(EventType::kApprovalApproved, request));
  SID_TRY(AppendLog(entry, now_, std::string(text::log::kEvidenceApproved)));
  return Verify(entry, VerificationMethod::kDocument);
}

Status Changes::RejectEvidence(ReviewRequest& request, SenderId& entry, const Decision& decision) {
  SID_TRY(SaveDecision(request, RequestStatus::kRejected, decision));
  for (ReviewRequest& a : entry.approvals)
    if (a.request_id == request.request_id) a = request;
  SID_TRY(AppendLog(entry, now_, text::log::EvidenceRejected(decision.reason.value_or(""))));
  SID_TRY(UpdateEntry(entry));
  return RecordRequest(EventType::kApprovalRejected, request);
}

Status Changes::ApproveUnlock(ReviewRequest& request, SenderId& entry, const Decision& decision) {
  SID_TRY(SaveDecision(request, RequestStatus::kApproved, decision));
  entry.unlock = request;
  // Ownership is still to be proven: PENDING again, verifiable although another account holds it.
  entry.status = NumberStatus::kPending;
  entry.duplicate_unlocked = true;
  entry.expire_at = now_ + lifecycle_.options_.pending_lifetime;
  SID_TRY(AppendLog(entry, now_, std::string(text::log::kUnlockApproved)));
  SID_TRY(UpdateEntry(entry));
  return RecordRequest(EventType::kDuplicateApproved, request);
}

Status Changes::RejectUnlock(ReviewRequest& request, SenderId& entry, const Decision& decision) {
  SID_TRY(SaveDecision(request, RequestStatus::kRejected, decision));
  entry.unlock = request;
  SID_TRY(AppendLog(entry, now_, text::log::UnlockRejected(decision.reason.value_or(""))));
  SID_TRY(UpdateEntry(entry));
  return RecordRequest(EventType::kDuplicateRejected, request);
}

Status Changes::ApproveLimit(ReviewRequest& request, const Decision& decision) {
  SID_TRY(SaveDecision(request, RequestStatus::kApproved, decision));
  SID_ASSIGN_OR_RETURN(Account account, LoadAccount(tx_, request.account_id));
  // An operator may have raised the limit meanwhile: an approval never lowers it (SPEC §13).
  account.limit = std::max(account.limit, request.limit_requested);
  account.date_updated = now_;
  SID_TRY(tx_.accounts().Update(account));
  return RecordRequest(EventType::kLimitationApproved, request, account.limit);
}

Status Changes::RejectLimit(ReviewRequest& request, const Decision& decision) {
  SID_TRY(SaveDecision(request, RequestStatus::kRejected, decision));
  return RecordRequest(EventType::kLimitationRejected, request);
}

// --- accounts ------------------------------------------------------------------------------------

Status Changes::ChangeLimit(Account& account, int limit) {
  if (account.limit == limit) return OkStatus();
  const int before = account.limit;
  account.limit = limit;
  account.date_updated = now_;
  SID_TRY(tx_.accounts().Update(account));
  touched_accounts_.push_back(account.account_id);
  return Record(DomainEvent{EventType::kAccountLimitChanged, account.account_id, now_,
                            account.account_id, LimitChange{limit, before}});
}

// --- documents and verifications -----------------------------------------------------------------

Status Changes::AddDocument(const Document& document) {
  SID_TRY(tx_.documents().Insert(document));
  return Record(DomainEvent{EventType::kDocumentUploaded, document.account_id, now_,
                            document.document_id, document});
}

Status Changes::DeleteDocument(const Document& document) {
  SID_TRY(tx_.documents().Delete(document.document_id));
  return Record(DomainEvent{EventType::kDocumentDeleted, document.account_id, now_,
                            document.document_id, document});
}

Status Changes::VerificationLocked(const MfaTransaction& t) {
  return Record(DomainEvent{EventType::kVerificationLocked, t.account_id, now_, t.transaction_id,
                            LockedVerification{t.phone_number, t.transaction_id}});
}

// --- recording -----------------------------------------------------------------------------------

Status Changes::AppendLog(SenderId& entry, TimeMs at, std::string message) {
  LogEntry line{at, std::move(message)};
  SID_TRY(tx_.numbers().AppendLog(entry.handle_key, line));
  appended_[entry.handle_key].push_back(line);
  entry.log.push_back(std::move(line));
  return OkStatus();
}

Status Changes::UpdateEntry(SenderId& entry) {
  entry.date_updated = now_;
  SID_TRY(tx_.numbers().Update(entry));
  return TouchAccount(entry.account_id);
}

Status Changes::TouchAccount(const std::string& account_id) {
  // Every change moves the account's dateUpdated (SPEC §3.1); one instant per unit, so once is
  // enough.
  if (std::find(touched_accounts_.begin(), touched_accounts_.end(), account_id) !=
      touched_accounts_.end())
    return OkStatus();
  SID_ASSIGN_OR_RETURN(Account account, LoadAccount(tx_, account_id));
  account.date_updated = now_;
  SID_TRY(tx_.accounts().Update(account));
  touched_accounts_.push_back(account_id);
  return OkStatus();
}

Status Changes::RecordEntry(EventType type, const SenderId& entry) {
  SenderId data = entry;
  auto lines = appended_.find(entry.handle_key);
  data.log = lines == appended_.end() ? std::vector<LogEntry>{} : lines->second;
  return Record(DomainEvent{type, entry.account_id, now_, entry.handle_key, std::move(data)});
}

Status Changes::RecordRequest(EventType type, const ReviewRequest& request,
                              std::optional<int> limit) {
  return Record(DomainEvent{type, request.account_id, now_, request.request_id,
                            ReviewChange{request, limit}});
}

Status Changes::Record(DomainEvent event) {
  EventRecord record;
  record.event_id = NewId(kEventPrefix, now_, lifecycle_.random_);
  record.account_id = event.account_id;
  record.type = event.type;
  record.subject = event.subject;
  record.date_created = now_;
  record.data = lifecycle_.encoder_.EncodeData(event);
  SID_ASSIGN_OR_RETURN(record.sequence, tx_.events().Append(record));
  return QueueDeliveries(record);
}

Status Changes::QueueDeliveries(const EventRecord& record) {
  auto hooks = webhooks_.find(record.account_id);
  if (hooks == webhooks_.end()) {
    SID_ASSIGN_OR_RETURN(std::vector<Webhook> all, tx_.webhooks().List(record.account_id));
    std::erase_if(all, [](const Webhook& w) { return w.status != WebhookStatus::kEnabled; });
    hooks = webhooks_.emplace(record.account_id, std::move(all)).first;
  }
  for (const Webhook& w : hooks->second) {
    if (!AnyPatternMatches(w.types, record.type)) continue;
    Delivery d;
    d.delivery_id = NewId(kDeliveryPrefix, now_, lifecycle_.random_);
    d.webhook_id = w.webhook_id;
    d.account_id = record.account_id;
    d.event_id = record.event_id;
    d.event_type = record.type;
    d.next_attempt_at = now_;
    d.date_created = now_;
    d.date_updated = now_;
    SID_TRY(tx_.deliveries().Insert(d));
  }
  return OkStatus();
}

}  // namespace senderid
