#pragma once
// Sender numbers of an account (SPEC §4 endpoints 1–5, §7 expiry, §8 paging, §4 "Bounds" on status
// changes): the registry's core use cases. Thread-safe; every operation is one or two store
// transactions; every change goes through core/lifecycle.

#include <string>
#include <string_view>
#include <vector>

#include "core/bounds.h"
#include "core/entities.h"
#include "core/error.h"
#include "core/lifecycle/lifecycle.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"
#include "core/ports/store.h"
#include "core/values.h"

namespace senderid {

struct NumbersOptions {
  // Status changes (endpoint 4) of one number within `status_change_window` (SPEC §4 Bounds).
  int status_changes_per_window = bounds::kStatusChangesPerDay;
  TimeMs status_change_window = 24 * kHour;
};

class NumbersService {
 public:
  NumbersService(Store& store, const Clock& clock, Random& random, const Lifecycle& lifecycle,
                 NumbersOptions options = {});

  // The whole AccountDoc, or one page of it when `page` is given.
  Result<AccountDoc> Get(const std::string& account_id, const NumberPageQuery* page);
  // ACTIVE numbers whose verification has not lapsed.
  Result<std::vector<std::string>> ActiveNumbers(const std::string& account_id);
  // Registers a number (PENDING, or DUPLICATED when another account holds it verified).
  Result<AccountDoc> Create(const std::string& account_id, std::string_view phone_number,
                            const std::vector<std::string>& documents);
  // Switches a verified number between ACTIVE and INACTIVE (kTooManyRequests past the bound).
  Result<AccountDoc> UpdateStatus(const std::string& account_id, std::string_view phone_number,
                                  NumberStatus status);
  Result<AccountDoc> Delete(const std::string& account_id, std::string_view phone_number);

  // Expires every due entry of every account (the background sweeper); returns how many accounts
  // were touched.
  Result<int> SweepExpired();
  // Records senderid.expiring for every verified entry whose expiry is nearer than the lifecycle's
  // expiry_notice, once per verification (the background sweeper); returns how many entries.
  Result<int> SweepExpiring();

 private:
  Store& store_;
  const Clock& clock_;
  Random& random_;
  const Lifecycle& lifecycle_;
  NumbersOptions options_;
};

}  // namespace senderid
