#include "store/postgres/session.h"

#include <utility>

namespace senderid::pg {

Result<Rows> Session::Record(Result<Rows> result) {
  if (result.ok() || failure_) return result;
  failure_ = result.error();
  // A lost connection aborted the transaction on the server: nothing of this run was kept, so a
  // run on a fresh connection is safe. (COMMIT is not sent through here: a connection lost during
  // COMMIT leaves the outcome unknown, and PostgresStore never reruns that.)
  retryable_ = IsRetryable(conn_.last_sqlstate()) || !conn_.usable();
  return result;
}

Result<Rows> Session::Query(const char* sql, const Params& params, ResultFormat format) {
  if (failure_) return *failure_;
  return Record(conn_.Query(sql, params, deadline_, format));
}

Result<Rows> Session::QueryText(const std::string& sql, const Params& params) {
  if (failure_) return *failure_;
  return Record(conn_.QueryText(sql, params, deadline_));
}

}  // namespace senderid::pg
