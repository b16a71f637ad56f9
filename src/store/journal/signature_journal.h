#pragma once
// The embedded store's spent-signature ledger (SPEC §2 replay protection, issue 16): an in-memory
// set of digests over append-only journal files, group-fsynced, read back at start.
//
// A B-tree insert and a SQLite commit per signed request were most of what a signed read cost
// beyond the bare HTTP path (docs/benchmarks.md). The set a ledger keeps is append-only with a time
// bound, so it needs neither: a Spend is a hash lookup and insert under a mutex, and its record —
// 32 bytes: keep_until, the digest's first 16 bytes, a CRC — is appended by one flusher thread
// that writes everything that arrived meanwhile and calls fdatasync once for the group; only then
// are their callbacks run (fresh). A replay is answered at once, on the caller's thread.
//
// Files: one per 5 minutes of keep_until, "<start ms>.spent" in the journal directory, so Prune
// deletes whole files (and forgets their digests) once their last keep_until has passed. A new
// file's directory entry is fsynced before any record in it is acknowledged. At Open every file is
// read; a torn tail (a write cut short by a crash: never acknowledged) is cut off at the first
// record whose CRC does not match.
//
// Single process: serve holds the SQLite store's instance lock, and nothing else spends
// signatures (the CLI never opens a journal). PostgreSQL keeps its own ledger (several instances).
//
// Thread-safe. Callbacks run on the flusher thread or inline on Spend's caller (a replay).

#include <array>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "core/ports/signature_ledger.h"

namespace senderid::journal {

struct JournalOptions {
  std::string dir;          // created (0700) when missing
  bool sync = true;         // fdatasync each group; off only for tests on a tmpfs
  TimeMs segment = 5 * kMinute;  // the keep_until span of one file
};

class SignatureJournal final : public SignatureLedger {
 public:
  // Reads every journal file of options.dir into memory (cutting torn tails) and starts the
  // flusher. kServiceUnavailable when the directory or a file cannot be read or created.
  static Result<std::unique_ptr<SignatureJournal>> Open(const JournalOptions& options);
  // Flushes what was submitted (its callbacks run), then closes the files.
  ~SignatureJournal() override;
  SignatureJournal(const SignatureJournal&) = delete;
  SignatureJournal& operator=(const SignatureJournal&) = delete;

  void Spend(std::string digest, TimeMs keep_until, SpendDone done) override;
  Result<int> Prune(TimeMs now) override;

  // Whether `name` is the name of a journal file ("<start ms>.spent").
  static bool IsFileName(std::string_view name);

  // Digests held in memory (all files not yet pruned).
  size_t size() const;

  // What the journal keeps of a digest: its first 16 bytes (digests are keyed hashes, uniform);
  // a shorter one is zero-padded with its length in the last byte.
  using Key = std::array<uint8_t, 16>;
  static Key KeyOf(std::string_view digest);

 private:
  struct KeyHash {
    size_t operator()(const Key& k) const noexcept;
  };
  using KeySet = std::unordered_set<Key, KeyHash>;
  struct Pending {
    Key key;
    TimeMs keep_until;
    SpendDone done;
  };

  explicit SignatureJournal(JournalOptions options);
  Status Load();
  Status LoadFile(const std::string& path, TimeMs start);
  void FlushLoop();
  // Appends the batch's records to their files and syncs them; with files_mu_ held.
  Status WriteBatch(const std::vector<Pending>& batch);
  Result<int> FileOf(TimeMs start);
  TimeMs SegmentStart(TimeMs keep_until) const;
  std::string PathOf(TimeMs start) const;

  const JournalOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::map<TimeMs, KeySet> segments_;  // by start; guarded by mu_
  std::vector<Pending> queue_;         // guarded by mu_
  bool stopping_ = false;              // guarded by mu_
  // The files, open for appending once written to: the flusher's writes, Prune's unlinks. Lock
  // order: files_mu_ before mu_.
  std::mutex files_mu_;
  std::map<TimeMs, int> files_;  // guarded by files_mu_
  std::thread flusher_;
};

}  // namespace senderid::journal
