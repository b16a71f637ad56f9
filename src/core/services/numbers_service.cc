#include "core/services/numbers_service.h"

#include <algorithm>
#include <utility>

#include "core/catalogue.h"
#include "core/ids.h"
#include "core/lifecycle/queries.h"
#include "core/phone_number.h"

namespace senderid {
namespace {

Result<AccountDoc> PageOf(AccountDoc doc, const NumberPageQuery& page) {
  if (page.limit < 1 || page.limit > 1000)
    return Error(ErrorCode::kValidationError, std::string(text::invalid::kLimitRange));
  std::optional<std::string> phone;
  if (page.phone_number) {
    phone = NormalizePhoneNumber(*page.phone_number);
    if (!phone) return Error(ErrorCode::kValidationError, std::string(text::invalid::kPhoneFilter));
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
      return Error(ErrorCode::kValidationError, std::string(text::invalid::kStartKeyUnknown));
  }
  const auto available = matching.end() - begin;
  const auto end = begin + std::min<std::ptrdiff_t>(available, page.limit);
  doc.sender_ids.assign(std::make_move_iterator(begin), std::make_move_iterator(end));
  doc.paged = true;
  if (end != matching.end()) doc.next_key = end->handle_key;
  return doc;
}

int64_t CeilSeconds(TimeMs ms) { return std::max<int64_t>(1, (ms + kSecond - 1) / kSecond); }

}  // namespace

NumbersService::NumbersService(Store& store, const Clock& clock, Random& random,
                               const Lifecycle& lifecycle, NumbersOptions options)
    : store_(store), clock_(clock), random_(random), lifecycle_(lifecycle), options_(options) {}

Result<AccountDoc> NumbersService::Get(const std::string& account_id,
                                       const NumberPageQuery* page) {
  const TimeMs now = clock_.Now();
  SID_ASSIGN_OR_RETURN(AccountDoc doc, ReadValue<AccountDoc>(store_, [&](ReadTx& tx) {
                         return LoadAccountDoc(tx, account_id);
                       }));
  const bool due = std::any_of(doc.sender_ids.begin(), doc.sender_ids.end(),
                               [&](const SenderId& e) { return IsDue(e, now); });
  if (due) {
    // Rare: something lapsed since the sweeper last ran. Record it before showing it.
    SID_ASSIGN_OR_RETURN(doc, WriteValue<AccountDoc>(store_, [&](WriteTx& tx) -> Result<AccountDoc> {
                           SID_TRY(lifecycle_.Begin(tx, now).ExpireDue(account_id));
                           return LoadAccountDoc(tx, account_id);
                         }));
  }
  if (page == nullptr) return doc;
  return PageOf(std::move(doc), *page);
}

Result<std::vector<std::string>> NumbersService::ActiveNumbers(const std::string& account_id) {
  const TimeMs now = clock_.Now();
  return ReadValue<std::vector<std::string>>(
      store_, [&](ReadTx& tx) { return tx.numbers().ListActive(account_id, now); });
}

Result<AccountDoc> NumbersService::Create(const std::string& account_id,
                                          std::string_view phone_number,
                                          const std::vector<std::string>& documents) {
  const std::optional<std::string> digits = NormalizePhoneNumber(phone_number);
  if (!digits)
    return Error(ErrorCode::kInvalidPhoneNumber, std::string(text::message::kInvalidPhoneNumber));
  const TimeMs now = clock_.Now();
  const std::string handle_key = NewId(kHandleKeyPrefix, now, random_);
  const std::string approval_id = NewId(kApprovalPrefix, now, random_);
  return WriteValue<AccountDoc>(store_, [&](WriteTx& tx) -> Result<AccountDoc> {
    SID_ASSIGN_OR_RETURN(bool special, tx.numbers().IsSpecialAllowed(account_id, *digits));
    SID_TRY(ValidatePhoneNumber(*digits, special));
    Changes changes = lifecycle_.Begin(tx, now);
    SID_TRY(changes.ExpireDue(account_id));
    SID_ASSIGN_OR_RETURN(std::optional<SenderId> existing, tx.numbers().Find(account_id, *digits));
    if (existing)
      return Error(ErrorCode::kAlreadyRegistered, std::string(text::message::kAlreadyRegistered));
    SID_ASSIGN_OR_RETURN(Account account, LoadAccount(tx, account_id));
    SID_ASSIGN_OR_RETURN(int count, tx.numbers().Count(account_id));
    if (count >= account.limit)
      return Error(ErrorCode::kLimitExceeded, std::string(text::message::kLimitExceeded) +
                                                  " (최대 " + std::to_string(account.limit) + "개)");
    SID_ASSIGN_OR_RETURN(std::vector<std::string> docs, CheckDocuments(tx, account_id, documents));
    SID_ASSIGN_OR_RETURN(bool held, HeldElsewhere(tx, account_id, *digits, now));
    SID_ASSIGN_OR_RETURN(SenderId entry, changes.Register(account_id, *digits, held, handle_key));
    // Documents given with the create open an evidence request at once — not for a DUPLICATED
    // entry, which needs its unlock first (the documents stay unused).
    if (!docs.empty() && !held)
      SID_TRY(changes.RequestEvidence(entry, std::move(docs), approval_id));
    return LoadAccountDoc(tx, account_id);
  });
}

Result<AccountDoc> NumbersService::UpdateStatus(const std::string& account_id,
                                                std::string_view phone_number,
                                                NumberStatus status) {
  const TimeMs now = clock_.Now();
  return WriteValue<AccountDoc>(store_, [&](WriteTx& tx) -> Result<AccountDoc> {
    Changes changes = lifecycle_.Begin(tx, now);
    SID_TRY(changes.ExpireDue(account_id));
    SID_ASSIGN_OR_RETURN(SenderId entry, FindEntry(tx, account_id, phone_number));
    if (!IsVerified(entry.status))
      return Error(ErrorCode::kFailedToUpdate, std::string(text::message::kFailedToUpdate));
    if (entry.status != status) {
      // SPEC §4 Bounds: the record of past changes is the event log.
      SID_ASSIGN_OR_RETURN(std::vector<TimeMs> recent,
                           tx.events().Times(account_id, EventType::kSenderIdStatusChanged,
                                             entry.handle_key,
                                             now - options_.status_change_window + 1));
      const auto cap = static_cast<size_t>(options_.status_changes_per_window);
      if (recent.size() >= cap)
        return Error(ErrorCode::kTooManyRequests, std::string(text::message::kTooManyStatusChanges))
            .WithRetryAfter(CeilSeconds(recent[recent.size() - cap] +
                                        options_.status_change_window - now));
      SID_TRY(changes.SetStatus(entry, status));
    }
    return LoadAccountDoc(tx, account_id);
  });
}

Result<AccountDoc> NumbersService::Delete(const std::string& account_id,
                                          std::string_view phone_number) {
  const TimeMs now = clock_.Now();
  return WriteValue<AccountDoc>(store_, [&](WriteTx& tx) -> Result<AccountDoc> {
    Changes changes = lifecycle_.Begin(tx, now);
    SID_TRY(changes.ExpireDue(account_id));
    SID_ASSIGN_OR_RETURN(SenderId entry, FindEntry(tx, account_id, phone_number));
    if (entry.status == NumberStatus::kActive)
      return Error(ErrorCode::kFailedToDelete, std::string(text::message::kFailedToDelete));
    SID_TRY(changes.Delete(entry));
    return LoadAccountDoc(tx, account_id);
  });
}

Result<int> NumbersService::SweepExpired() {
  const TimeMs now = clock_.Now();
  int touched = 0;
  // Bounded: should the "due" query and IsDue ever disagree, a sweep ends instead of spinning.
  for (int round = 0; round < 10'000; ++round) {
    SID_ASSIGN_OR_RETURN(std::vector<std::string> accounts,
                         ReadValue<std::vector<std::string>>(store_, [&](ReadTx& tx) {
                           return tx.numbers().AccountsWithDueExpiries(now, 100);
                         }));
    if (accounts.empty()) return touched;
    for (const std::string& account_id : accounts) {
      SID_TRY(store_.Write(
          [&](WriteTx& tx) { return lifecycle_.Begin(tx, now).ExpireDue(account_id); }));
      ++touched;
    }
  }
  return Error(ErrorCode::kInternalError, "expiry sweep made no progress");
}

Result<int> NumbersService::SweepExpiring() {
  const TimeMs now = clock_.Now();
  const TimeMs horizon = now + lifecycle_.options().expiry_notice;
  int noticed = 0;
  // Bounded like SweepExpired: each round notices every due entry of the accounts it lists, so
  // they drop out of the next round's listing.
  for (int round = 0; round < 10'000; ++round) {
    SID_ASSIGN_OR_RETURN(std::vector<std::string> accounts,
                         ReadValue<std::vector<std::string>>(store_, [&](ReadTx& tx) {
                           return tx.numbers().AccountsWithExpiryNotices(now, horizon, 100);
                         }));
    if (accounts.empty()) return noticed;
    for (const std::string& account_id : accounts) {
      SID_ASSIGN_OR_RETURN(int n, WriteValue<int>(store_, [&](WriteTx& tx) {
                             return lifecycle_.Begin(tx, now).NoticeExpiring(account_id);
                           }));
      noticed += n;
    }
  }
  return Error(ErrorCode::kInternalError, "expiry notice sweep made no progress");
}

}  // namespace senderid
