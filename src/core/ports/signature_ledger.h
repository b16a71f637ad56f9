#pragma once
// Spent request signatures (SPEC §2 replay protection): an append-only set of digests, each kept
// until its date can no longer be accepted. Separate from Store because every signed request writes
// one: adapters batch them (group commit) rather than give each its own transaction. Shared by every
// process on the same store, durable across restarts.
//
// Thread-safe. Callbacks run on an adapter thread, or inline on the caller's: they must be short,
// must not block on a lock the caller of Spend holds, and must not call back into the ledger or the
// store synchronously (hand longer work to another thread).

#include <functional>
#include <string>

#include "core/error.h"
#include "core/time.h"

namespace senderid {

class SignatureLedger {
 public:
  // true: `digest` was not spent and now is, durably; false: it was spent already (a replay);
  // kServiceUnavailable/kInternalError when it could not be recorded.
  using SpendDone = std::function<void(Result<bool>)>;

  virtual ~SignatureLedger() = default;

  // Records `digest` (a keyed hash of the signature, never the signature itself) as spent until
  // `keep_until`, and calls `done` once that is durable. The caller guarantees that one digest
  // always comes with one keep_until (both derive from the signed text), so adapters may key on the
  // pair. Returns at once.
  virtual void Spend(std::string digest, TimeMs keep_until, SpendDone done) = 0;
  // Forgets digests whose keep_until is before `now` — at once, or (an adapter that drops whole
  // time partitions instead of deleting rows) once the rest of their partition has expired too;
  // never one kept until `now` or later. Returns how many it forgot.
  virtual Result<int> Prune(TimeMs now) = 0;
};

// Spend, waiting for the answer (CLI, tests).
Result<bool> SpendAndWait(SignatureLedger& ledger, std::string digest, TimeMs keep_until);

}  // namespace senderid
