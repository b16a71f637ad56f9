#pragma once
// One SQLite connection with a cache of prepared statements, and the mapping of SQLite failures to
// core errors. Not thread-safe: a connection is used by one thread at a time.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.h"

namespace senderid::sqlite {

// A store failure as the core sees it: a unique or primary-key constraint is kAlreadyExists (the
// ports' answer to an insert of a taken key); disk full, read-only, locked or I/O trouble are
// kServiceUnavailable (retry later helps); anything else is kInternalError. `what` stays in the
// message for the server log; the HTTP layer never shows it to clients. Needs extended result codes
// (Connection::Open turns them on) to tell a unique constraint from the others.
Error StoreError(sqlite3* db, int rc, std::string_view what);

// Creates the database file `path` with mode 0600 unless it exists, so that neither the umask nor
// SQLite's default (0644) decides who may read the store; SQLite gives the -wal and -shm files the
// mode of their database. An existing file is left as it is. kServiceUnavailable when it cannot.
Status CreatePrivateFile(const std::string& path);

class Statement;

class Connection {
 public:
  enum class Mode { kReadWrite, kReadOnly };

  // Opens (creating when kReadWrite, with mode 0600) the database file and applies the
  // per-connection pragmas.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, Mode mode,
                                                  bool synchronous_full);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* db() const { return db_; }
  // Runs one or more statements without results (parsed every time: for rare statements).
  Status Exec(const char* sql);
  // Runs one statement without results through the statement cache (for BEGIN, COMMIT and other
  // hot statements). `sql` must be a string literal.
  Status Run(const char* sql);
  // The cached prepared statement for `sql`, reset and ready to bind. `sql` must be a string
  // literal or otherwise outlive the connection (its address is the cache key).
  Result<Statement> Prepare(const char* sql);

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

// A borrowed prepared statement; resets and clears its bindings when it goes out of scope.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  Statement& Bind(int index, std::string_view text);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::optional<int64_t> value);
  Statement& BindNull(int index);

  // Advances to the next row: true for a row, false when done.
  Result<bool> Step();
  // Runs a statement that returns no rows; the number of rows it changed.
  Result<int> Run();
  // Every remaining row, each turned into a value by `read(const Statement&)`.
  template <typename Read>
  auto Collect(Read read) -> Result<std::vector<decltype(read(std::declval<const Statement&>()))>> {
    std::vector<decltype(read(std::declval<const Statement&>()))> out;
    for (;;) {
      SID_ASSIGN_OR_RETURN(bool row, Step());
      if (!row) return out;
      out.push_back(read(*this));
    }
  }

  std::string Text(int column) const;
  std::string Blob(int column) const;
  int64_t Int(int column) const;
  std::optional<int64_t> OptionalInt(int column) const;
  std::optional<std::string> OptionalText(int column) const;
  bool IsNull(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

}  // namespace senderid::sqlite
