#include "store/postgres/postgres_store.h"

#include <algorithm>
#include <random>
#include <thread>
#include <utility>

#include "store/postgres/blob_store.h"
#include "store/postgres/repositories.h"
#include "store/postgres/session.h"

namespace senderid::pg {
namespace {

// Ends a transaction that will not commit. Nothing sent yet (BEGIN still deferred): nothing to
// end. Otherwise ROLLBACK goes out without waiting for its answer; the connection's next user
// reads it (a read-only transaction has nothing to lose, a failed one nothing to keep).
void Abandon(Connection& conn, Deadline deadline) {
  if (conn.has_deferred()) {
    conn.DropDeferred();
    return;
  }
  if (conn.usable()) (void)conn.SendAndForget("ROLLBACK", deadline);
}

// Sleeps before run `attempt` + 1 of a transaction that met a conflict: 1, 2, 4 … ms, at most
// 50, jittered (×0.5–1.5) so that transactions that collided do not collide again in step; never
// past the deadline.
void Backoff(int attempt, Deadline deadline) {
  thread_local std::minstd_rand jitter(std::random_device{}());
  const double base = std::min(50.0, static_cast<double>(1 << std::min(attempt, 6)));
  const double factor = 0.5 + static_cast<double>(jitter() % 1000) / 1000.0;
  const auto pause = std::chrono::microseconds(static_cast<int64_t>(base * factor * 1000));
  const auto until = std::min(deadline, SteadyClock::now() + pause);
  std::this_thread::sleep_until(until);
}

Error Contended(const Error& last) {
  return Error(ErrorCode::kServiceUnavailable,
               "postgres: transaction kept conflicting until the deadline: " + last.message);
}

}  // namespace

std::unique_ptr<PostgresStore> PostgresStore::Create(PostgresOptions options) {
  return std::unique_ptr<PostgresStore>(new PostgresStore(std::move(options)));
}

PostgresStore::PostgresStore(PostgresOptions options)
    : options_(std::move(options)),
      pool_(ConnectOptions{options_.url, options_.deadline, options_.deadline},
            options_.pool_size) {
  LedgerOptions ledger;
  ledger.connect = pool_.options();
  ledger.deadline = options_.deadline;
  ledger_ = std::make_unique<Ledger>(std::move(ledger), pool_);
  blobs_ = std::make_unique<PgBlobStore>(pool_, options_.deadline, ready_);
}

PostgresStore::~PostgresStore() = default;

Error PostgresStore::NotReady() const {
  std::lock_guard lock(open_mu_);
  return Error(ErrorCode::kServiceUnavailable,
               "postgres: the database is not ready" +
                   (open_error_.empty() ? std::string() : ": " + open_error_));
}

Result<SchemaState> PostgresStore::Open(SchemaMode mode) {
  const Deadline deadline = NewDeadline();
  Result<SchemaState> state = [&]() -> Result<SchemaState> {
    SID_ASSIGN_OR_RETURN(Lease conn, pool_.Acquire(deadline));
    return OpenSchema(*conn, mode, options_.key_fingerprint, deadline);
  }();
  std::lock_guard lock(open_mu_);
  if (!state.ok()) {
    open_error_ = state.error().message;
    return state;
  }
  open_error_.clear();
  ready_ = true;
  return state;
}

Status PostgresStore::Read(const ReadFn& fn) {
  if (!ready_) return NotReady();
  const Deadline deadline = NewDeadline();
  for (int attempt = 0;; ++attempt) {
    SID_ASSIGN_OR_RETURN(Lease conn, pool_.Acquire(deadline));
    conn->Defer("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    Session session(*conn, deadline);
    PgTx tx(session);
    Status result = fn(tx);
    Abandon(*conn, deadline);
    if (!session.failure()) return result;
    // A pooled connection that turned out dead at the first statement: fn saw nothing yet, so a
    // run on a fresh connection is indistinguishable from a first run.
    if (attempt == 0 && !conn->usable() && session.retryable() && SteadyClock::now() < deadline)
      continue;
    return *session.failure();
  }
}

Status PostgresStore::Write(const WriteFn& fn) {
  if (!ready_) return NotReady();
  const Deadline deadline = NewDeadline();
  for (int attempt = 0;; ++attempt) {
    if (attempt > 0) Backoff(attempt, deadline);
    SID_ASSIGN_OR_RETURN(Lease conn, pool_.Acquire(deadline));
    conn->Defer("BEGIN ISOLATION LEVEL SERIALIZABLE");
    Session session(*conn, deadline);
    PgTx tx(session);
    Status result = fn(tx);
    if (options_.force_retry && attempt == 0 && !session.failure()) {
      Abandon(*conn, deadline);  // the run an adapter abandons after a conflict
      continue;
    }
    if (session.failure()) {
      Abandon(*conn, deadline);
      if (session.retryable() && SteadyClock::now() < deadline) continue;
      return session.retryable() ? Contended(*session.failure()) : *session.failure();
    }
    if (!result.ok()) {
      Abandon(*conn, deadline);
      return result;
    }
    if (conn->has_deferred()) {  // fn ran no statement: nothing to commit
      conn->DropDeferred();
      return OkStatus();
    }
    Result<Rows> committed = conn->QueryText("COMMIT", Params(), deadline);
    if (committed.ok()) return OkStatus();
    // Serialisation failures may also surface at COMMIT; the transaction is then rolled back.
    if (IsRetryable(conn->last_sqlstate()) && SteadyClock::now() < deadline) continue;
    if (!conn->usable())
      return Error(ErrorCode::kServiceUnavailable,
                   "postgres: connection lost during COMMIT (outcome unknown): " +
                       committed.error().message);
    return std::move(committed).error();
  }
}

Status PostgresStore::Ping() {
  if (!ready_) return NotReady();
  const Deadline deadline = SteadyClock::now() + std::min<std::chrono::milliseconds>(
                                                     options_.deadline, std::chrono::seconds(2));
  SID_ASSIGN_OR_RETURN(Lease conn, pool_.Acquire(deadline));
  return CheckSchema(*conn, deadline);
}

void PostgresStore::Spend(std::string digest, TimeMs keep_until, SpendDone done) {
  if (!ready_) return done(NotReady());
  ledger_->Spend(std::move(digest), keep_until, std::move(done));
}

Result<int> PostgresStore::Prune(TimeMs now) {
  if (!ready_) return NotReady();
  return ledger_->Prune(now);
}

}  // namespace senderid::pg
