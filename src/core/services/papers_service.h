#pragma once
// Requests an operator decides (SPEC §4 endpoints 7–9): evidence for a number, a higher limit, the
// unlock of a number another account holds. Each answers the AccountDoc. Thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/entities.h"
#include "core/error.h"
#include "core/lifecycle/lifecycle.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"
#include "core/ports/store.h"

namespace senderid {

class PapersService {
 public:
  PapersService(Store& store, const Clock& clock, Random& random, const Lifecycle& lifecycle);

  Result<AccountDoc> SubmitEvidence(const std::string& account_id, std::string_view phone_number,
                                    const std::vector<std::string>& documents);
  Result<AccountDoc> RequestLimit(const std::string& account_id,
                                  const std::vector<std::string>& documents, int64_t limit);
  // `contact_name` defaults to the account's name.
  Result<AccountDoc> RequestUnlock(const Account& account, std::string_view phone_number,
                                   const std::string& reason,
                                   const std::optional<std::string>& contact_name);

 private:
  Store& store_;
  const Clock& clock_;
  Random& random_;
  const Lifecycle& lifecycle_;
};

}  // namespace senderid
