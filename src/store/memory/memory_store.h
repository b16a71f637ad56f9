#pragma once
// A store that keeps everything in memory (LevelDB's helpers/memenv is the model): every port of
// core/ports/store.h and the SignatureLedger, with the observable semantics of the SQLite adapter
// (orderings, filters, kAlreadyExists on taken keys). For fast core unit tests; it is also the
// first adapter of the store contract suite (tests/contract). Nothing survives the object.
//
// Obviously correct rather than fast: the state is an immutable snapshot behind a shared pointer.
// Write holds the writer mutex for its whole run (writes are serial, hence serialisable), runs fn
// on a private copy of the snapshot and publishes the copy only when fn returned OK; Read runs fn
// on the snapshot current when it started, without blocking writers or other readers.
//
// Thread-safety: thread-safe, as Store and SignatureLedger require. fn must not call back into this
// store's Write (it would deadlock on the writer mutex); Spend calls `done` inline on the caller's
// thread, after it has released its lock.

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "core/ports/signature_ledger.h"
#include "core/ports/store.h"

namespace senderid {

struct MemoryOptions {
  // Every Write runs fn twice, discarding the first run's effects and result, as an adapter does
  // when it retries after a conflict: shows that a write function leaves one effect however often
  // it runs.
  bool force_retry = false;
};

class MemoryStore final : public Store, public SignatureLedger {
 public:
  explicit MemoryStore(MemoryOptions options = {});
  ~MemoryStore() override;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  Status Read(const ReadFn& fn) override;
  Status Write(const WriteFn& fn) override;
  Status Ping() override { return OkStatus(); }

  void Spend(std::string digest, TimeMs keep_until, SpendDone done) override;
  Result<int> Prune(TimeMs now) override;

  // Every aggregate's rows (memory_store.cc); public only so that the repositories there can
  // name it.
  struct State;

 private:
  const MemoryOptions options_;
  std::mutex writer_mu_;  // held by Write for its whole run
  std::mutex state_mu_;   // guards the pointer state_, held only to copy or swap it
  std::shared_ptr<const State> state_;
  std::mutex ledger_mu_;
  std::set<std::pair<std::string, TimeMs>> spent_;  // guarded by ledger_mu_
};

}  // namespace senderid
