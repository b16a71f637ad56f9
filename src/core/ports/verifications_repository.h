#pragma once
// ARS verification transactions (SPEC §5), which double as the record of placed calls for the call
// caps: a row counts as a call from its created_at until it is pruned, whatever its state. Inside a
// store transaction (see store.h).

#include <optional>
#include <string_view>
#include <vector>

#include "core/entities.h"
#include "core/error.h"

namespace senderid {

class VerificationsReader {
 public:
  virtual ~VerificationsReader() = default;
  virtual Result<std::optional<MfaTransaction>> Find(std::string_view transaction_id) = 0;
  // Creation times (ascending) of the calls created after `since`: of one account to one number
  // (both given), of one account (phone_number empty), or to one number by anyone (account_id
  // empty).
  virtual Result<std::vector<TimeMs>> CallTimes(std::string_view account_id,
                                                std::string_view phone_number, TimeMs since) = 0;
};

class VerificationsRepository : public VerificationsReader {
 public:
  // kAlreadyExists when the id is taken.
  virtual Status Insert(const MfaTransaction& t) = 0;
  // Stores attempts_used and state.
  virtual Status Update(const MfaTransaction& t) = 0;
  // Forgets a transaction whose call was never placed (it then counts against no cap).
  virtual Status Delete(std::string_view transaction_id) = 0;
  // Voids the OPEN transactions of an entry but `except` (may be empty).
  virtual Status VoidOpen(std::string_view handle_key, std::string_view except) = 0;
  // Forgets transactions created before `before`; returns how many.
  virtual Result<int> Prune(TimeMs before) = 0;
};

}  // namespace senderid
