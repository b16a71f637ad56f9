#pragma once
// The cluster store: the whole registry in PostgreSQL (15 or newer), shared by any number of
// senderid processes (SPEC §11). Implements Store, SignatureLedger (ledger.h) and, through
// blobs(), the BlobStore of the documents' bytes, so that no instance keeps state of its own.
//
// Transactions. A Write runs fn in a SERIALIZABLE transaction: PostgreSQL's serialisable snapshot
// isolation aborts (SQLSTATE 40001/40P01) any transaction whose reads another committed
// transaction has since invalidated, so every check-then-write of the core (a count under a limit,
// "this transaction is still open", the calls under a cap) holds across instances as it does in
// one process; the aborted one is run again from the start — the port's "fn may run more than
// once" — with a short jittered backoff, until the deadline. A statement that fails is
// remembered (Session): fn may ignore it, but that run then never commits. Reads run in a READ
// ONLY REPEATABLE READ transaction: one snapshot, no locks, never aborted by writers.
//
// Deadlines. Every Read, Write, Spend and blob operation has options.deadline (10 s) from its
// start for everything: waiting for a pool connection, connecting, each statement, retries, the
// commit. Past it, or when the database is unreachable or restarting, the answer is
// kServiceUnavailable (HTTP 503), never a hang. Lost connections are dropped and replaced by new
// ones on demand, so the store recovers by itself when the database is back.
//
// Start-up. Create() connects to nothing; Open() connects and opens the schema (migrations.h).
// Until an Open succeeded, everything answers kServiceUnavailable, so a server can listen (and
// say "not ready" on /readyz) while it waits for its database.
//
// Connections: options.pool_size for transactions and blobs, plus one for the signature writer.
// Thread-safe. fn and Spend's callbacks follow store.h and signature_ledger.h.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "core/ports/blob_store.h"
#include "core/ports/signature_ledger.h"
#include "core/ports/store.h"
#include "store/postgres/ledger.h"
#include "store/postgres/migrations.h"
#include "store/postgres/pool.h"

namespace senderid::pg {

struct PostgresOptions {
  std::string
      url;  // libpq URI: postgresql://…, postgres://…, postgresql:///db?host=/run/postgresql
  int pool_size = 8;
  std::chrono::milliseconds deadline{10'000};
  // Crypto::KeyedHash of a fixed text under the master key (hex): stored by the first migration,
  // compared by every Open.
  std::string key_fingerprint;
  // Test hook (the store contract suite): every Write's fn runs, is rolled back and runs again.
  bool force_retry = false;
};

class PostgresStore final : public Store, public SignatureLedger {
 public:
  static std::unique_ptr<PostgresStore> Create(PostgresOptions options);
  ~PostgresStore() override;

  // Connects and brings the schema up as `mode` allows, checking the key fingerprint; see
  // OpenSchema for the errors (kServiceUnavailable: try again later; kValidationError: never
  // will). Once one succeeded the store serves.
  Result<SchemaState> Open(SchemaMode mode);
  bool ready() const { return ready_.load(); }

  Status Read(const ReadFn& fn) override;
  Status Write(const WriteFn& fn) override;
  Status Ping() override;

  void Spend(std::string digest, TimeMs keep_until, SpendDone done) override;
  Result<int> Prune(TimeMs now) override;

  // The documents' bytes, in table document_blobs. Valid while the store lives.
  BlobStore& blobs() { return *blobs_; }

 private:
  explicit PostgresStore(PostgresOptions options);
  Error NotReady() const;
  Deadline NewDeadline() const { return SteadyClock::now() + options_.deadline; }

  const PostgresOptions options_;
  Pool pool_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<BlobStore> blobs_;
  std::atomic<bool> ready_{false};
  mutable std::mutex open_mu_;
  std::string open_error_;  // why the last Open failed; guarded by open_mu_
};

}  // namespace senderid::pg
