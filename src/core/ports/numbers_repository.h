#pragma once
// Sender numbers (SPEC §3.2) with their logs, and the operator's special-number overrides (§6),
// inside a store transaction (see store.h). Written only by core/lifecycle.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/entities.h"
#include "core/error.h"

namespace senderid {

class NumbersReader {
 public:
  virtual ~NumbersReader() = default;
  // The account's entries, complete (log in order, approvals oldest first, latest unlock), by
  // date_created ascending (ties by handle_key).
  virtual Result<std::vector<SenderId>> List(std::string_view account_id) = 0;
  // One complete entry of the account, or nullopt.
  virtual Result<std::optional<SenderId>> Find(std::string_view account_id,
                                               std::string_view phone_number) = 0;
  // Entries of every account for one number, without log, approvals or unlock (status checks only),
  // by date_created.
  virtual Result<std::vector<SenderId>> ListByNumber(std::string_view phone_number) = 0;
  virtual Result<int> Count(std::string_view account_id) = 0;
  // The ACTIVE numbers of the account whose expire_at is after `now` (or unset), by date_created.
  virtual Result<std::vector<std::string>> ListActive(std::string_view account_id, TimeMs now) = 0;
  // Whether the account has entries still PENDING, ACTIVE or INACTIVE whose expire_at is at or
  // before `now` (due for expiry, SPEC §7).
  virtual Result<bool> HasDueExpiries(std::string_view account_id, TimeMs now) = 0;
  // Up to `max` accounts that have entries due for expiry.
  virtual Result<std::vector<std::string>> AccountsWithDueExpiries(TimeMs now, int max) = 0;
  // Up to `max` accounts that have ACTIVE or INACTIVE entries without expiry_noticed whose
  // expire_at is after `now` and before `horizon` (due for senderid.expiring, SPEC §12).
  virtual Result<std::vector<std::string>> AccountsWithExpiryNotices(TimeMs now, TimeMs horizon,
                                                                     int max) = 0;
  virtual Result<bool> IsSpecialAllowed(std::string_view account_id,
                                        std::string_view phone_number) = 0;
};

class NumbersRepository : public NumbersReader {
 public:
  // A new entry with its log (approvals and unlock are review requests, stored by their
  // repository). kAlreadyExists when the account already has the number or the handle key is taken.
  virtual Status Insert(const SenderId& entry) = 0;
  // Stores status, method, expire_at, duplicate_unlocked, expiry_noticed and date_updated of an
  // existing entry.
  virtual Status Update(const SenderId& entry) = 0;
  // Appends one line at the end of the entry's log.
  virtual Status AppendLog(std::string_view handle_key, const LogEntry& line) = 0;
  // Removes the entry and its log; its review requests stay for the record.
  virtual Status Delete(std::string_view handle_key) = 0;
  // Lets the account register this special number; allowing it twice is not an error.
  virtual Status AllowSpecial(std::string_view account_id, std::string_view phone_number,
                              TimeMs now) = 0;
};

}  // namespace senderid
