#pragma once
// The embedded store: a SQLite file in WAL mode, and beside it a second one for spent request
// signatures ("<name>-signatures.db", attached to the writer): every signed request records one,
// and in the main file that commit would make every reader drop its page cache.
//
// Writes go through a single writer thread that commits in groups: it takes every write waiting in
// its queue, runs each inside its own SAVEPOINT of one transaction (a failing write rolls back alone),
// commits once, and only then answers all of them (single-statement writes skip the savepoint). One fsync serves many requests, and no answer is
// sent before its data is durable. Reads run on a pool of read-only connections, each in its own
// snapshot. Other processes (the CLI) may write to the same file at the same time.

#include <memory>
#include <string>

#include "core/ports/store.h"

namespace senderid::sqlite {

struct SqliteOptions {
  std::string path;
  // FULL survives power loss; NORMAL (WAL) survives a crash of the process, not of the machine.
  bool synchronous_full = true;
  int max_group = 256;  // most writes committed together
};

class SqliteStore final : public Store {
 public:
  // Opens (creating) the file, applies migrations and starts the writer thread.
  static Result<std::unique_ptr<SqliteStore>> Open(const SqliteOptions& options);
  ~SqliteStore() override;

  Status Read(const ReadFn& fn) override;
  Status Write(const WriteFn& fn) override;
  void WriteAsync(WriteFn fn, DoneFn done, WriteShape shape) override;

 private:
  class Impl;
  explicit SqliteStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace senderid::sqlite
