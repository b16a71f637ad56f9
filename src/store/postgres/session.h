#pragma once
// One run of a transaction function on one connection, as the repositories see it: every
// statement goes through here, so that the first failure is remembered. PostgreSQL aborts a
// transaction at its first failed statement, and a statement the transaction function chose to
// ignore (it may look at an error and go on) must still keep the transaction from committing:
// PostgresStore asks failure() before COMMIT, and retryable() to decide whether to run fn again.
//
// Not thread-safe: belongs to one run of fn, on its thread.

#include <optional>
#include <string>

#include "core/error.h"
#include "store/postgres/connection.h"

namespace senderid::pg {

class Session {
 public:
  Session(Connection& conn, Deadline deadline) : conn_(conn), deadline_(deadline) {}
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Connection::Query within the transaction's deadline. After a failure every further statement
  // fails with the first error (the server would refuse them anyway).
  Result<Rows> Query(const char* sql, const Params& params = Params(),
                     ResultFormat format = ResultFormat::kText);
  Result<Rows> QueryText(const std::string& sql, const Params& params = Params());

  // The first failure of a statement in this run, if any.
  const std::optional<Error>& failure() const { return failure_; }
  // Whether that failure is one a fresh run may not meet (serialisation failure, deadlock, a
  // concurrent insert of the same key), or the connection was lost before anything was committed.
  bool retryable() const { return retryable_; }
  Deadline deadline() const { return deadline_; }
  Connection& connection() { return conn_; }

 private:
  Result<Rows> Record(Result<Rows> result);

  Connection& conn_;
  const Deadline deadline_;
  std::optional<Error> failure_;
  bool retryable_ = false;
};

}  // namespace senderid::pg
