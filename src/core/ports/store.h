#pragma once
// The persistence port: everything the registry keeps, behind transactions, one repository per
// aggregate. Owned by the core; implemented by store/memory (tests), store/sqlite (embedded) and,
// store/postgres (several instances). tests/contract holds the suite every adapter passes.
//
// Contract:
//  - Read(fn) runs fn on one consistent snapshot. Write(fn) runs fn in a serialisable transaction:
//    the committed writes look as if they ran one at a time, so an invariant fn checks (a count
//    under a limit, "exactly one consumes this transaction") holds however many threads, processes
//    or instances write at once. Write returns once its effects are durable (a crash after the
//    return loses nothing).
//  - fn may run more than once (an adapter retries after a conflict); only the last run's effects
//    are kept, so fn must have no effect outside the transaction. If fn returns an error, none of
//    its changes are kept and Write returns that error unchanged.
//  - Storage failures come back as kServiceUnavailable (store unreachable, disk full, read-only,
//    busy past its timeout) or kInternalError; the message is for the server log only.
//  - Repository methods that take an account id touch that account's rows only. Updates and
//    deletes of a row that does not exist change nothing and succeed; an insert of a taken key
//    fails with kAlreadyExists and leaves the transaction usable (fn may go on).
//  - A transaction object belongs to its fn: use it on fn's thread only, never after fn returns.
//    fn must not call Read, Write or the SignatureLedger itself (adapters may hold their writer for
//    the whole run: that would deadlock).
//  - Store itself is thread-safe: any number of threads may call Read and Write at once.

#include <functional>
#include <optional>
#include <utility>

#include "core/error.h"
#include "core/ports/accounts_repository.h"
#include "core/ports/audit_repository.h"
#include "core/ports/documents_repository.h"
#include "core/ports/events_repository.h"
#include "core/ports/numbers_repository.h"
#include "core/ports/operators_repository.h"
#include "core/ports/reviews_repository.h"
#include "core/ports/verifications_repository.h"

namespace senderid {

// A read transaction: one snapshot of every aggregate.
class ReadTx {
 public:
  virtual ~ReadTx() = default;
  virtual AccountsReader& accounts() = 0;
  virtual NumbersReader& numbers() = 0;
  virtual VerificationsReader& verifications() = 0;
  virtual DocumentsReader& documents() = 0;
  virtual ReviewsReader& reviews() = 0;
  virtual EventsReader& events() = 0;
  virtual OperatorsReader& operators() = 0;
  virtual AuditReader& audit() = 0;
};

// A write transaction: the same, writable.
class WriteTx : public ReadTx {
 public:
  AccountsRepository& accounts() override = 0;
  NumbersRepository& numbers() override = 0;
  VerificationsRepository& verifications() override = 0;
  DocumentsRepository& documents() override = 0;
  ReviewsRepository& reviews() override = 0;
  EventsRepository& events() override = 0;
  OperatorsRepository& operators() override = 0;
  AuditRepository& audit() override = 0;
};

class Store {
 public:
  using ReadFn = std::function<Status(ReadTx&)>;
  using WriteFn = std::function<Status(WriteTx&)>;

  virtual ~Store() = default;
  virtual Status Read(const ReadFn& fn) = 0;
  virtual Status Write(const WriteFn& fn) = 0;
  // Whether the store can serve now: reachable, and its schema the one this binary knows (SPEC
  // §11 /readyz). kServiceUnavailable with the reason (for the log) otherwise. Cheap: one round
  // trip at most, bounded by a short timeout.
  virtual Status Ping() = 0;
};

// Runs fn in a read transaction and returns its value.
template <typename T, typename Fn>
Result<T> ReadValue(Store& store, Fn&& fn) {
  std::optional<T> out;
  Status s = store.Read([&](ReadTx& tx) -> Status {
    Result<T> v = fn(tx);
    if (!v.ok()) return std::move(v).error();
    out = std::move(v).value();
    return OkStatus();
  });
  if (!s.ok()) return std::move(s).error();
  return std::move(*out);
}

// Runs fn in a write transaction and returns its value once durable (the value of fn's last run).
template <typename T, typename Fn>
Result<T> WriteValue(Store& store, Fn&& fn) {
  std::optional<T> out;
  Status s = store.Write([&](WriteTx& tx) -> Status {
    out.reset();
    Result<T> v = fn(tx);
    if (!v.ok()) return std::move(v).error();
    out = std::move(v).value();
    return OkStatus();
  });
  if (!s.ok()) return std::move(s).error();
  return std::move(*out);
}

}  // namespace senderid
