#pragma once
// Sender numbers of an account (SPEC §4 endpoints 1–5, §7, §8): the registry's core use cases.
// Thread-safe; every operation is one or two store transactions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/entities.h"
#include "core/error.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"
#include "core/ports/store.h"
#include "core/services/registry_options.h"

namespace senderid {

// A page of numbers (SPEC §8). Any field set makes the answer paged.
struct NumberPageQuery {
  std::optional<NumberStatus> status;
  std::optional<std::string> phone_number;  // as sent; separators allowed
  std::optional<std::string> start_key;     // a handleKey, inclusive
  int limit = 20;
};

class NumbersService {
 public:
  NumbersService(Store& store, const Clock& clock, Random& random, RegistryOptions options);

  // The whole AccountDoc, or one page of it when `page` is given.
  Result<AccountDoc> Get(const std::string& account_id, const NumberPageQuery* page);
  // ACTIVE numbers whose verification has not lapsed.
  Result<std::vector<std::string>> ActiveNumbers(const std::string& account_id);
  // Registers a number (PENDING, or DUPLICATED when another account holds it verified).
  Result<AccountDoc> Create(const std::string& account_id, std::string_view phone_number,
                            const std::vector<std::string>& documents);
  // Switches a verified number between ACTIVE and INACTIVE.
  Result<AccountDoc> UpdateStatus(const std::string& account_id, std::string_view phone_number,
                                  NumberStatus status);
  Result<AccountDoc> Delete(const std::string& account_id, std::string_view phone_number);

  // Expires every due entry of every account (the background sweeper); returns how many accounts
  // were touched.
  Result<int> SweepExpired();

 private:
  Store& store_;
  const Clock& clock_;
  Random& random_;
  RegistryOptions options_;
};

// Helpers shared by the services that change numbers (ARS, papers, reviews). All run inside a
// write transaction.
namespace registry {

// Whether the entry's PENDING or verification period has lapsed without being recorded yet.
bool IsDue(const SenderId& e, TimeMs now);
// The status a request sees: a lapsed entry reads as EXPIRED even before the sweeper records it.
NumberStatus EffectiveStatus(const SenderId& e, TimeMs now);
// Marks the account's entries whose expire_at has passed EXPIRED, logged at the moment they expired.
Status ApplyDueExpiries(StoreWriter& w, const std::string& account_id, TimeMs now);
// The account with its entries and limit requests.
Result<AccountDoc> LoadDoc(StoreReader& r, const std::string& account_id);
// Appends a log line to the entry (in memory and in the store) and stamps date_updated.
Status AppendLog(StoreWriter& w, SenderId& entry, TimeMs at, std::string message);
// Stamps the account's date_updated.
Status TouchAccount(StoreWriter& w, const std::string& account_id, TimeMs now);
// The entry for a number given in a path (separators stripped), or InvalidSenderId.
Result<SenderId> FindEntry(StoreReader& r, const std::string& account_id,
                           std::string_view phone_number);
// Whether another account holds the number verified right now (SPEC §4.1 "held").
Result<bool> HeldElsewhere(StoreReader& r, const std::string& account_id,
                           std::string_view phone_number, TimeMs now);

}  // namespace registry
}  // namespace senderid
