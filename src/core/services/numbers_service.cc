#include "core/services/numbers_service.h"

#include <algorithm>
#include <utility>

#include "core/ids.h"
#include "core/messages.h"
#include "core/phone_number.h"
#include "core/services/documents_service.h"
#include "core/services/log_messages.h"
#include "core/services/papers_service.h"

namespace senderid {
namespace registry {

bool IsDue(const SenderId& e, TimeMs now) {
  return e.expire_at && *e.expire_at <= now &&
         (e.status == NumberStatus::kPending || IsVerified(e.status));
}

NumberStatus EffectiveStatus(const SenderId& e, TimeMs now) {
  return IsDue(e, now) ? NumberStatus::kExpired : e.status;
}

Status AppendLog(StoreWriter& w, SenderId& entry, TimeMs at, std::string message) {
  LogEntry line{at, std::move(message)};
  SID_TRY(w.AppendLog(entry.handle_key, line));
  entry.log.push_back(std::move(line));
  return OkStatus();
}

Status TouchAccount(StoreWriter& w, const std::string& account_id, TimeMs now) {
  SID_ASSIGN_OR_RETURN(std::optional<Account> account, w.FindAccount(account_id));
  if (!account) return Error(ErrorCode::kInternalError, "account vanished");
  account->date_updated = now;
  return w.UpdateAccount(*account);
}

Status ApplyDueExpiries(StoreWriter& w, const std::string& account_id, TimeMs now) {
  SID_ASSIGN_OR_RETURN(bool due, w.HasDueExpiries(account_id, now));
  if (!due) return OkStatus();
  SID_ASSIGN_OR_RETURN(std::vector<SenderId> entries, w.ListSenderIds(account_id));
  for (SenderId& e : entries) {
    if (!IsDue(e, now)) continue;
    e.status = NumberStatus::kExpired;
    e.date_updated = now;
    // Logged at the moment it lapsed, whoever notices it first (sweeper or a request).
    SID_TRY(AppendLog(w, e, *e.expire_at, std::string(log_text::kExpired)));
    SID_TRY(w.UpdateSenderId(e));
  }
  return TouchAccount(w, account_id, now);
}

Result<AccountDoc> LoadDoc(StoreReader& r, const std::string& account_id) {
  SID_ASSIGN_OR_RETURN(std::optional<Account> account, r.FindAccount(account_id));
  if (!account) return Error(ErrorCode::kInternalError, "account vanished");
  AccountDoc doc;
  doc.account = std::move(*account);
  SID_ASSIGN_OR_RETURN(doc.sender_ids, r.ListSenderIds(account_id));
  ReviewFilter limitations;
  limitations.kind = ReviewKind::kLimitation;
  limitations.account_id = account_id;
  SID_ASSIGN_OR_RETURN(doc.limitations, r.ListReviewRequests(limitations));
  return doc;
}

Result<SenderId> FindEntry(StoreReader& r, const std::string& account_id,
                           std::string_view phone_number) {
  const std::optional<std::string> digits = NormalizePhoneNumber(phone_number);
  if (digits) {
    SID_ASSIGN_OR_RETURN(std::optional<SenderId> entry, r.FindSenderId(account_id, *digits));
    if (entry) return std::move(*entry);
  }
  return Error(ErrorCode::kInvalidSenderId, std::string(message::kInvalidSenderId));
}

Result<bool> HeldElsewhere(StoreReader& r, const std::string& account_id,
                           std::string_view phone_number, TimeMs now) {
  SID_ASSIGN_OR_RETURN(std::vector<SenderId> entries, r.ListSenderIdsByNumber(phone_number));
  for (const SenderId& e : entries)
    if (e.account_id != account_id && IsVerified(e.status) && !IsDue(e, now)) return true;
  return false;
}

}  // namespace registry

namespace {

Result<AccountDoc> PageOf(AccountDoc doc, const NumberPageQuery& page) {
  if (page.limit < 1 || page.limit > 1000)
    return Error(ErrorCode::kValidationError, "limit: an integer from 1 to 1000 expected");
  std::optional<std::string> phone;
  if (page.phone_number) {
    phone = NormalizePhoneNumber(*page.phone_number);
    if (!phone) return Error(ErrorCode::kValidationError, "phoneNumber: digits expected");
  }
  std::vector<SenderId> matching;
  for (SenderId& e : doc.sender_ids)
    if ((!page.status || e.status == *page.status) && (!phone || e.phone_number == *phone))
      matching.push_back(std::move(e));
  auto begin = matching.begin();
  if (page.start_key) {
    begin = std::find_if(matching.begin(), matching.end(),
                         [&](const SenderId& e) { return e.handle_key == *page.start_key; });
    if (begin == matching.end())
      return Error(ErrorCode::kValidationError, "startKey: no such handleKey in this listing");
  }
  const auto available = matching.end() - begin;
  const auto end = begin + std::min<std::ptrdiff_t>(available, page.limit);
  doc.sender_ids.assign(std::make_move_iterator(begin), std::make_move_iterator(end));
  doc.paged = true;
  if (end != matching.end()) doc.next_key = end->handle_key;
  return doc;
}

}  // namespace

NumbersService::NumbersService(Store& store, const Clock& clock, Random& random,
                               RegistryOptions options)
    : store_(store), clock_(clock), random_(random), options_(options) {}

Result<AccountDoc> NumbersService::Get(const std::string& account_id,
                                       const NumberPageQuery* page) {
  const TimeMs now = clock_.Now();
  SID_ASSIGN_OR_RETURN(AccountDoc doc, ReadValue<AccountDoc>(store_, [&](StoreReader& r) {
                         return registry::LoadDoc(r, account_id);
                       }));
  const bool due = std::any_of(doc.sender_ids.begin(), doc.sender_ids.end(),
                               [&](const SenderId& e) { return registry::IsDue(e, now); });
  if (due) {
    // Rare: something lapsed since the sweeper last ran. Record it before showing it.
    SID_ASSIGN_OR_RETURN(doc, WriteValue<AccountDoc>(store_, [&](StoreWriter& w) -> Result<AccountDoc> {
                           SID_TRY(registry::ApplyDueExpiries(w, account_id, now));
                           return registry::LoadDoc(w, account_id);
                         }));
  }
  if (page == nullptr) return doc;
  return PageOf(std::move(doc), *page);
}

Result<std::vector<std::string>> NumbersService::ActiveNumbers(const std::string& account_id) {
  const TimeMs now = clock_.Now();
  return ReadValue<std::vector<std::string>>(
      store_, [&](StoreReader& r) { return r.ListActiveNumbers(account_id, now); });
}

Result<AccountDoc> NumbersService::Create(const std::string& account_id,
                                          std::string_view phone_number,
                                          const std::vector<std::string>& documents) {
  const std::optional<std::string> digits = NormalizePhoneNumber(phone_number);
  if (!digits) return Error(ErrorCode::kInvalidPhoneNumber, std::string(message::kInvalidPhoneNumber));
  const TimeMs now = clock_.Now();
  // Drawn outside the transaction: a retried transaction must not consume randomness differently.
  const std::string handle_key = NewId(kHandleKeyPrefix, now, random_);
  const std::string approval_id = NewId(kApprovalPrefix, now, random_);
  return WriteValue<AccountDoc>(store_, [&](StoreWriter& w) -> Result<AccountDoc> {
    SID_ASSIGN_OR_RETURN(bool special, w.IsSpecialNumberAllowed(account_id, *digits));
    SID_TRY(ValidatePhoneNumber(*digits, special));
    SID_TRY(registry::ApplyDueExpiries(w, account_id, now));
    SID_ASSIGN_OR_RETURN(std::optional<SenderId> existing, w.FindSenderId(account_id, *digits));
    if (existing)
      return Error(ErrorCode::kAlreadyRegistered, std::string(message::kAlreadyRegistered));
    SID_ASSIGN_OR_RETURN(std::optional<Account> account, w.FindAccount(account_id));
    if (!account) return Error(ErrorCode::kInternalError, "account vanished");
    SID_ASSIGN_OR_RETURN(int count, w.CountSenderIds(account_id));
    if (count >= account->limit)
      return Error(ErrorCode::kLimitExceeded,
                   std::string(message::kLimitExceeded) + " (최대 " +
                       std::to_string(account->limit) + "개)");
    SID_ASSIGN_OR_RETURN(std::vector<std::string> docs,
                         registry::CheckDocuments(w, account_id, documents));
    SID_ASSIGN_OR_RETURN(bool held, registry::HeldElsewhere(w, account_id, *digits, now));

    SenderId entry;
    entry.handle_key = handle_key;
    entry.account_id = account_id;
    entry.phone_number = *digits;
    entry.status = held ? NumberStatus::kDuplicated : NumberStatus::kPending;
    if (!held) entry.expire_at = now + options_.pending_lifetime;
    entry.log.push_back({now, std::string(log_text::kCreated)});
    entry.date_created = now;
    entry.date_updated = now;
    SID_TRY(w.InsertSenderId(entry));
    // Documents given with the create open an evidence request at once — not for a DUPLICATED
    // entry, which needs its unlock first (the documents stay unused).
    if (!docs.empty() && !held)
      SID_TRY(registry::OpenApproval(w, entry, approval_id, std::move(docs), now));
    SID_TRY(registry::TouchAccount(w, account_id, now));
    return registry::LoadDoc(w, account_id);
  });
}

Result<AccountDoc> NumbersService::UpdateStatus(const std::string& account_id,
                                                std::string_view phone_number,
                                                NumberStatus status) {
  const TimeMs now = clock_.Now();
  return WriteValue<AccountDoc>(store_, [&](StoreWriter& w) -> Result<AccountDoc> {
    SID_TRY(registry::ApplyDueExpiries(w, account_id, now));
    SID_ASSIGN_OR_RETURN(SenderId entry, registry::FindEntry(w, account_id, phone_number));
    if (!IsVerified(entry.status))
      return Error(ErrorCode::kFailedToUpdate, std::string(message::kFailedToUpdate));
    if (entry.status != status) {
      entry.status = status;
      entry.date_updated = now;
      SID_TRY(registry::AppendLog(w, entry, now, log_text::StatusChanged(ToString(status))));
      SID_TRY(w.UpdateSenderId(entry));
      SID_TRY(registry::TouchAccount(w, account_id, now));
    }
    return registry::LoadDoc(w, account_id);
  });
}

Result<AccountDoc> NumbersService::Delete(const std::string& account_id,
                                          std::string_view phone_number) {
  const TimeMs now = clock_.Now();
  return WriteValue<AccountDoc>(store_, [&](StoreWriter& w) -> Result<AccountDoc> {
    SID_TRY(registry::ApplyDueExpiries(w, account_id, now));
    SID_ASSIGN_OR_RETURN(SenderId entry, registry::FindEntry(w, account_id, phone_number));
    if (entry.status == NumberStatus::kActive)
      return Error(ErrorCode::kFailedToDelete, std::string(message::kFailedToDelete));
    SID_TRY(registry::CloseEntryRequests(w, entry, now));
    SID_TRY(w.DeleteSenderId(entry.handle_key));
    SID_TRY(registry::TouchAccount(w, account_id, now));
    return registry::LoadDoc(w, account_id);
  });
}

Result<int> NumbersService::SweepExpired() {
  const TimeMs now = clock_.Now();
  int touched = 0;
  // Bounded: should the "due" query and IsDue ever disagree, a sweep ends instead of spinning.
  for (int round = 0; round < 10'000; ++round) {
    SID_ASSIGN_OR_RETURN(std::vector<std::string> accounts,
                         ReadValue<std::vector<std::string>>(store_, [&](StoreReader& r) {
                           return r.AccountsWithDueExpiries(now, 100);
                         }));
    if (accounts.empty()) return touched;
    for (const std::string& account_id : accounts) {
      SID_TRY(store_.Write(
          [&](StoreWriter& w) { return registry::ApplyDueExpiries(w, account_id, now); }));
      ++touched;
    }
  }
  return Error(ErrorCode::kInternalError, "expiry sweep made no progress");
}

}  // namespace senderid
