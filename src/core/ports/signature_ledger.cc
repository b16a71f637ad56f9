#include "core/ports/signature_ledger.h"

#include <future>

namespace senderid {

Result<bool> SpendAndWait(SignatureLedger& ledger, std::string digest, TimeMs keep_until) {
  std::promise<Result<bool>> promise;
  std::future<Result<bool>> answer = promise.get_future();
  ledger.Spend(std::move(digest), keep_until,
               [&promise](Result<bool> r) { promise.set_value(std::move(r)); });
  return answer.get();
}

}  // namespace senderid
