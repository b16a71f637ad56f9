#pragma once
// A thin RAII layer over libpq: one connection (always in pipeline mode, non-blocking, every wait
// bounded by a deadline), its result sets, and the mapping of PostgreSQL failures to core errors.
//
// Why pipeline mode: a statement and what must precede it (BEGIN, a not-yet-prepared statement's
// PARSE) travel in one round trip, and the ROLLBACK that ends a read-only transaction is sent
// without waiting for its answer (the next user of the connection reads it). A read transaction of
// one statement thus costs one round trip instead of three.
//
// Why every wait has a deadline: a request must never wait on the database past its deadline
// (SPEC §11). Connecting, sending and receiving all poll(2) the socket with the time left; when the
// deadline passes mid-exchange the connection is marked unusable (the pool discards it; the server
// aborts the transaction when the socket closes).
//
// Not thread-safe: a connection is used by one thread at a time (the pool hands it out).

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"

namespace senderid::pg {

using SteadyClock = std::chrono::steady_clock;
using Deadline = SteadyClock::time_point;

// SQLSTATEs the adapter acts on.
inline constexpr std::string_view kSerializationFailure = "40001";
inline constexpr std::string_view kDeadlockDetected = "40P01";
inline constexpr std::string_view kUniqueViolation = "23505";
inline constexpr std::string_view kCheckViolation = "23514";  // also: no partition for a row

// Whether a transaction that failed with `sqlstate` may succeed when run again from the start: a
// serialisation failure or deadlock, or a unique violation — every insert whose key may be taken
// on purpose says ON CONFLICT DO NOTHING, so a violation can only come from a concurrent
// transaction that inserted the same key (a log line's sequence, say), which a rerun will see.
bool IsRetryable(std::string_view sqlstate);

// Text as PostgreSQL stores it, and back. A text value cannot hold NUL or malformed UTF-8, which
// SQLite keeps and clients may send (a document's name, an id in a path): each such byte, and each
// character of the escape range itself, becomes U+E100 + byte (Private Use Area), so that every
// string survives a round trip and equal strings stay equal (lookups of odd ids find nothing
// instead of failing). Well-formed text outside U+E100–U+E1FF is stored as it is.
std::string EncodeText(std::string_view text);
std::string DecodeText(std::string_view stored);

// Parameters of one statement, in order ($1, $2, …): text (EncodeText), integers (sent as text),
// bytea (sent in binary, so that bytes need no escaping) or NULL.
class Params {
 public:
  Params& Text(std::string_view text);
  Params& Int(int64_t value);
  Params& OptionalInt(std::optional<int64_t> value);
  Params& OptionalText(const std::optional<std::string>& text);
  Params& Bytes(std::string_view bytes);
  Params& Null();

  int size() const { return static_cast<int>(values_.size()); }
  // libpq's arrays; valid while this object lives and is not changed.
  const char* const* values() const { return pointers_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  void Add(std::optional<std::string> value, int format);
  void Repoint();

  std::deque<std::optional<std::string>> values_;  // a deque: adding never moves the strings
  std::vector<const char*> pointers_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

// A result set (owns the PGresult). Columns are in text format unless the query asked for binary.
class Rows {
 public:
  Rows() = default;
  explicit Rows(PGresult* result) : result_(result, PQclear) {}

  int size() const;
  // Rows changed by an INSERT, UPDATE or DELETE (what RETURNING returned, for those with it).
  int64_t affected() const;
  bool IsNull(int row, int column) const;
  std::string Text(int row, int column) const;  // DecodeText of the column
  int64_t Int(int row, int column) const;
  bool Bool(int row, int column) const;
  std::optional<int64_t> OptionalInt(int row, int column) const;
  std::optional<std::string> OptionalText(int row, int column) const;
  // A bytea column: the raw bytes (decoded from PostgreSQL's hex text form, or as sent in binary).
  std::string Bytes(int row, int column) const;

 private:
  std::shared_ptr<PGresult> result_;
};

struct ConnectOptions {
  std::string url;  // any libpq connection URI or keyword/value string
  // Server-side limits per statement; the client-side deadline of each call is the backstop.
  std::chrono::milliseconds statement_timeout{10'000};
  std::chrono::milliseconds lock_timeout{10'000};
  // A transaction left open by a stuck client is ended by the server after this.
  std::chrono::milliseconds idle_in_transaction_timeout{30'000};
};

// Whether a query's result is wanted in text (the default) or binary format (bytea fetched whole).
enum class ResultFormat { kText, kBinary };

class Connection {
 public:
  // Connects before `deadline` (libpq's non-blocking connect, polled) and applies the session
  // settings (synchronous_commit on, the timeouts). kServiceUnavailable naming libpq's reason when
  // the server cannot be reached or refuses.
  static Result<std::unique_ptr<Connection>> Open(const ConnectOptions& options, Deadline deadline);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // False once the connection was lost, timed out mid-exchange or left libpq in an unknown state:
  // it must then be closed, never reused.
  bool usable() const;
  // A cheap check for an idle connection (no round trip): false when the server closed it.
  bool LooksAlive();

  // Runs `sql` with `params` as a prepared statement, prepared on this connection at first use.
  // `sql` must be a string literal (or otherwise outlive the connection): its address names the
  // statement. Statements queued by Defer go first, in the same round trip, and their failure is
  // this call's. Failures: the statement's error (see last_sqlstate()), or kServiceUnavailable when
  // the connection was lost or the deadline passed.
  Result<Rows> Query(const char* sql, const Params& params, Deadline deadline,
                     ResultFormat format = ResultFormat::kText);
  // Runs a statement whose text is built at run time (DDL naming a partition): parsed every time.
  Result<Rows> QueryText(const std::string& sql, const Params& params, Deadline deadline);
  // Queues a parameterless statement (BEGIN …) to be sent with the next Query.
  void Defer(const char* sql);
  // Whether a deferred statement is still waiting to be sent.
  bool has_deferred() const { return !deferred_.empty(); }
  // Forgets deferred statements that were never sent.
  void DropDeferred() { deferred_.clear(); }
  // Sends a parameterless statement now and returns without waiting for its answer, which the
  // next call reads (and which fails that call if the statement failed). For the ROLLBACK that
  // ends a read-only transaction: nothing depends on its outcome.
  Status SendAndForget(const char* sql, Deadline deadline);
  // Runs a script of several statements through the simple query protocol (leaves pipeline mode
  // for it). For migrations.
  Status Script(const std::string& sql, Deadline deadline);

  // The SQLSTATE of the last failed statement ("" when the last call failed without one, e.g. a
  // lost connection or a timeout).
  const std::string& last_sqlstate() const { return last_sqlstate_; }

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}

  // What the pipeline still owes an answer for, in order.
  struct Pending {
    enum Kind { kResult, kSync } kind;
    const char* prepares = nullptr;  // a PARSE of this statement: on success it is prepared
    bool wanted = false;             // the result the caller waits for
  };

  Status EnterPipeline();
  Status LeavePipeline(Deadline deadline);
  // Sends whatever libpq has buffered, reading input meanwhile so the server never stalls on us.
  Status Flush(Deadline deadline);
  // The next result of the pipeline (nullptr at the end of one statement's results).
  Result<PGresult*> Next(Deadline deadline);
  // Waits until the socket is readable (and, with `write`, writable) or the deadline passes.
  Status Wait(bool write, Deadline deadline);
  // Reads the answers of everything pending; the wanted result goes to `wanted`.
  Status Collect(Deadline deadline, Rows* wanted);
  // Queues the deferred statements; false when libpq refused (connection broken).
  bool SendDeferred();
  Error Lost(std::string_view what);
  Error Failed(const PGresult* result);

  PGconn* conn_;
  bool broken_ = false;
  std::deque<Pending> pending_;
  std::vector<const char*> deferred_;
  std::unordered_map<const char*, std::string> prepared_;  // statement text → its name
  std::string last_sqlstate_;
};

}  // namespace senderid::pg
