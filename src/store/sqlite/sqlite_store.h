#pragma once
// The embedded store: a SQLite file in WAL mode, and beside it a second one for spent request
// signatures ("<name>-signatures.db", attached to the writer): every signed request records one,
// and in the main file that commit would make every reader drop its page cache.
//
// Writes — Store::Write and SignatureLedger::Spend alike — go through a single writer thread that
// commits in groups (WriterThread): one fsync serves many requests, and no answer is given before
// its data is durable. A Write's fn runs in its own savepoint, so a failing fn rolls back alone; a
// Spend is one INSERT and needs none. Reads run on a pool of read-only connections, each in its
// own snapshot. Other processes (the CLI) may use the same files at the same time; SQLite's file
// locks serialise their writers with ours (busy past 5 s: kServiceUnavailable).
//
// Thread-safe. Files it creates are mode 0600. A Write's fn and a Spend's callback run on the
// writer thread: neither may call Write or Prune (both would wait for that very thread).

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ports/signature_ledger.h"
#include "core/ports/store.h"

namespace senderid::sqlite {

struct SqliteOptions {
  std::string path;
  // FULL survives power loss; NORMAL (WAL) survives a crash of the process, not of the machine.
  bool synchronous_full = true;
  int max_group = 256;  // most writes committed together
  // What the ledger keeps for a signature that an older senderid stored as text (lowercase hex) in
  // replay.used_signatures: Open moves those rows over with it and drops that table. Unset, the
  // rows are dropped and such a signature, if still inside its window, would be accepted once more.
  std::function<std::string(std::string_view signature)> legacy_signature_digest;
  // Test hook (the store contract suite): every Write's fn is run, rolled back and run again, and
  // only the second run's effects commit — the port's "fn may run more than once".
  bool force_retry = false;
};

// The spent-signatures file beside the store `path`: "x/senderid.db" → "x/senderid-signatures.db".
std::string SignaturesPathOf(const std::string& path);

class SqliteStore final : public Store, public SignatureLedger {
 public:
  // Opens (creating) the files, applies migrations, upgrades a legacy signature table and starts
  // the writer thread. kServiceUnavailable when the files cannot be opened or were written by a
  // newer senderid.
  static Result<std::unique_ptr<SqliteStore>> Open(const SqliteOptions& options);
  // Finishes the writes already submitted (their callbacks run), then closes the files.
  ~SqliteStore() override;

  Status Read(const ReadFn& fn) override;
  Status Write(const WriteFn& fn) override;
  // A read of the schema version on a reader connection: the file is still there and readable.
  Status Ping() override;

  void Spend(std::string digest, TimeMs keep_until, SpendDone done) override;
  Result<int> Prune(TimeMs now) override;

  // Every spent signature of this file's ledger still kept at `now`, and removes them all from it
  // (in one transaction): serve keeps spent signatures in a journal (store/journal/) since
  // issue 16 and moves over, once, what an older senderid spent here.
  Result<std::vector<std::pair<std::string, TimeMs>>> TakeSpentSignatures(TimeMs now);

 private:
  class Impl;
  explicit SqliteStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace senderid::sqlite
