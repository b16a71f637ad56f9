#pragma once
// Spent request signatures in PostgreSQL (the SignatureLedger of PostgresStore), at the rate of
// every signed request.
//
// Group commit per instance: one thread with a connection of its own takes every Spend waiting in
// its queue and records them with one statement —
//   INSERT … SELECT … FROM unnest($1::bigint[], $2::text[]) ON CONFLICT DO NOTHING RETURNING …
// — committed on its own (synchronous_commit on: durable when it returns), then answers each: a
// digest the statement returned is fresh, any other was spent already (by this instance or any
// other: ON CONFLICT waits for a concurrent inserter's outcome, so of two instances spending one
// digest at once exactly one is told "fresh"). One round trip and one WAL flush serve the whole
// batch; the same digest twice in one batch is sent once, and only its first Spend is fresh.
//
// Pruning without deletes: the table is range-partitioned by keep_until, one partition per hour
// (UTC hours since the epoch, spent_signatures_h<N>). Partitions are attached ahead of need (by
// Prune, for the next 12 hours; by the writer when a batch needs one that is missing) with
// CREATE TABLE + ATTACH PARTITION, which takes only a SHARE UPDATE EXCLUSIVE lock on the parent,
// and are dropped whole once every digest in them has expired, after DETACH PARTITION …
// CONCURRENTLY, so neither step blocks the inserts of any instance. A digest is thus kept until
// its keep_until and at most an hour longer. Every instance prunes; an advisory lock (keyed by the
// schema) makes one do the work while the others skip.
//
// Thread-safe. Callbacks run on the writer thread (see SignatureLedger).

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/ports/signature_ledger.h"
#include "store/postgres/connection.h"
#include "store/postgres/pool.h"

namespace senderid::pg {

inline constexpr TimeMs kSignaturePartition = kHour;

struct LedgerOptions {
  ConnectOptions connect;
  std::chrono::milliseconds deadline{10'000};  // a Spend is answered within this
  int max_batch = 1024;                        // most digests in one statement
  TimeMs create_ahead = 12 * kHour;            // Prune attaches partitions up to now + this
};

class Ledger final : public SignatureLedger {
 public:
  // `pool` serves Prune (on the caller's thread); the writer opens its own connection.
  Ledger(LedgerOptions options, Pool& pool);
  // Answers what is queued (the writer finishes its batches), then stops the writer.
  ~Ledger() override;

  void Spend(std::string digest, TimeMs keep_until, SpendDone done) override;
  // Attaches the partitions of the next create_ahead hours, then drops those wholly before `now`;
  // returns how many digests the dropped partitions held.
  Result<int> Prune(TimeMs now) override;

 private:
  struct Item {
    std::string digest;
    TimeMs keep_until;
    SpendDone done;
    Deadline deadline;
  };

  void Loop();
  void WriteBatch(std::vector<Item>& batch);
  // Inserts the distinct (digest, keep_until) pairs; the hex digests that were fresh.
  Result<std::set<std::string>> Insert(const std::vector<std::string>& hex,
                                       const std::vector<TimeMs>& keep, Deadline deadline);
  Status EnsurePartitions(const std::vector<TimeMs>& keep, Deadline deadline);

  const LedgerOptions options_;
  Pool& pool_;
  std::unique_ptr<Connection> writer_conn_;  // the writer thread's
  std::set<int64_t> attached_;               // partitions known to exist; the writer thread's

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Item> queue_;  // guarded by mu_
  bool stopping_ = false;   // guarded by mu_
  std::thread writer_;      // last: starts once the rest is built
};

// Attaches the partition of hour `hour` (keep_until / kSignaturePartition) unless it exists; in a
// transaction of its own on `conn`, under the partition advisory lock.
Status AttachSignaturePartition(Connection& conn, int64_t hour, Deadline deadline);

}  // namespace senderid::pg
