#include "store/postgres/connection.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace senderid::pg {
namespace {

// libpq's messages end in a newline and may span lines; the log wants one.
std::string OneLine(const char* text) {
  std::string s = text == nullptr ? "" : text;
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

int MillisLeft(Deadline deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return static_cast<int>(std::clamp<int64_t>(left.count(), 0, 24 * 3600 * 1000));
}

// poll(2) on `fd` until one of `events` or the deadline; false on timeout or error.
bool PollFd(int fd, short events, Deadline deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, MillisLeft(deadline));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The length of the well-formed UTF-8 character at the start of `s` (what PostgreSQL accepts:
// no overlong forms, surrogates or code points past U+10FFFF), 0 when there is none.
size_t Utf8CharLength(std::string_view s) {
  const auto at = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const auto cont = [&](size_t i, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return i < s.size() && at(i) >= lo && at(i) <= hi;
  };
  const unsigned b = at(0);
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) return cont(1) ? 2 : 0;
  if (b == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if (b == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (b >= 0xE1 && b <= 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (b == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b >= 0xF1 && b <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

// Escapes of single bytes: U+E100 + byte, in the Private Use Area (three UTF-8 bytes: EE 84–87 xx).
constexpr unsigned kByteEscapeBase = 0xE100;

void AppendByteEscape(std::string& out, unsigned char byte) {
  const unsigned cp = kByteEscapeBase + byte;
  out += static_cast<char>(0xE0 | (cp >> 12));
  out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out += static_cast<char>(0x80 | (cp & 0x3F));
}

bool IsByteEscape(std::string_view s, size_t i) {
  const auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  return i + 2 < s.size() && at(i) == 0xEE && at(i + 1) >= 0x84 && at(i + 1) <= 0x87 &&
         at(i + 2) >= 0x80 && at(i + 2) <= 0xBF;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Whether a statement's failure means the database cannot serve now (retrying later helps), by
// SQLSTATE: connection exceptions (08), insufficient resources (53: too many connections, disk
// full), operator intervention (57: shutdown, crash, statement timeout, cannot connect now),
// system errors (58), lock_timeout (55P03), a read-only standby (25006) and serialisation
// failures that outlived their retries (40).
bool IsUnavailable(std::string_view sqlstate) {
  return StartsWith(sqlstate, "08") || StartsWith(sqlstate, "53") || StartsWith(sqlstate, "57") ||
         StartsWith(sqlstate, "58") || StartsWith(sqlstate, "40") || sqlstate == "55P03" ||
         sqlstate == "25006";
}

}  // namespace

std::string EncodeText(std::string_view text) {
  bool plain = true;
  for (char c : text) plain = plain && c != '\0' && static_cast<unsigned char>(c) < 0x80;
  if (plain) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  size_t i = 0;
  while (i < text.size()) {
    const size_t n = Utf8CharLength(text.substr(i));
    const bool escape = n == 0 || text[i] == '\0' || IsByteEscape(text, i);
    if (!escape) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    // A malformed byte or a NUL alone; an escape-range character byte by byte.
    const size_t count = n == 0 ? 1 : n;
    for (size_t k = 0; k < count; ++k) AppendByteEscape(out, static_cast<unsigned char>(text[i + k]));
    i += count;
  }
  return out;
}

std::string DecodeText(std::string_view stored) {
  if (stored.find('\xEE') == std::string_view::npos) return std::string(stored);
  std::string out;
  out.reserve(stored.size());
  for (size_t i = 0; i < stored.size();) {
    if (IsByteEscape(stored, i)) {
      const unsigned cp = ((static_cast<unsigned char>(stored[i]) & 0x0Fu) << 12) |
                          ((static_cast<unsigned char>(stored[i + 1]) & 0x3Fu) << 6) |
                          (static_cast<unsigned char>(stored[i + 2]) & 0x3Fu);
      out += static_cast<char>(cp - kByteEscapeBase);
      i += 3;
    } else {
      out += stored[i++];
    }
  }
  return out;
}

bool IsRetryable(std::string_view sqlstate) {
  return sqlstate == kSerializationFailure || sqlstate == kDeadlockDetected ||
         sqlstate == kUniqueViolation;
}

// --- Params -------------------------------------------------------------------------------------

void Params::Add(std::optional<std::string> value, int format) {
  values_.push_back(std::move(value));
  formats_.push_back(format);
  Repoint();
}

void Params::Repoint() {
  pointers_.clear();
  lengths_.clear();
  for (const std::optional<std::string>& v : values_) {
    pointers_.push_back(v ? v->data() : nullptr);
    lengths_.push_back(v ? static_cast<int>(v->size()) : 0);
  }
}

Params& Params::Text(std::string_view text) {
  Add(EncodeText(text), 0);
  return *this;
}

Params& Params::Int(int64_t value) {
  Add(std::to_string(value), 0);
  return *this;
}

Params& Params::OptionalInt(std::optional<int64_t> value) { return value ? Int(*value) : Null(); }

Params& Params::OptionalText(const std::optional<std::string>& text) {
  return text ? Text(*text) : Null();
}

Params& Params::Bytes(std::string_view bytes) {
  Add(std::string(bytes), 1);
  return *this;
}

Params& Params::Null() {
  Add(std::nullopt, 0);
  return *this;
}

// --- Rows ---------------------------------------------------------------------------------------

int Rows::size() const { return result_ ? PQntuples(result_.get()) : 0; }

int64_t Rows::affected() const {
  if (!result_) return 0;
  const char* n = PQcmdTuples(result_.get());
  return n == nullptr || *n == '\0' ? 0 : std::strtoll(n, nullptr, 10);
}

bool Rows::IsNull(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::string Rows::Text(int row, int column) const {
  return DecodeText(std::string_view(PQgetvalue(result_.get(), row, column),
                                     static_cast<size_t>(PQgetlength(result_.get(), row, column))));
}

int64_t Rows::Int(int row, int column) const {
  return std::strtoll(PQgetvalue(result_.get(), row, column), nullptr, 10);
}

bool Rows::Bool(int row, int column) const {
  const char* v = PQgetvalue(result_.get(), row, column);
  return v != nullptr && (*v == 't' || *v == '1');
}

std::optional<int64_t> Rows::OptionalInt(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Int(row, column);
}

std::optional<std::string> Rows::OptionalText(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Text(row, column);
}

std::string Rows::Bytes(int row, int column) const {
  const char* v = PQgetvalue(result_.get(), row, column);
  const size_t n = static_cast<size_t>(PQgetlength(result_.get(), row, column));
  if (PQfformat(result_.get(), column) == 1) return std::string(v, n);
  // Text format: "\x" and two hex digits per byte (bytea_output = hex, set per session).
  std::string out;
  if (n < 2 || v[0] != '\\' || v[1] != 'x') return out;
  out.reserve((n - 2) / 2);
  for (size_t i = 2; i + 1 < n; i += 2) {
    const int hi = HexValue(v[i]);
    const int lo = HexValue(v[i + 1]);
    if (hi < 0 || lo < 0) break;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

// --- Connection ---------------------------------------------------------------------------------

Result<std::unique_ptr<Connection>> Connection::Open(const ConnectOptions& options,
                                                     Deadline deadline) {
  // Ours first, then the URL (expanded in place of dbname): what the operator wrote wins.
  const char* keys[] = {"application_name", "client_encoding", "dbname", nullptr};
  const char* values[] = {"senderid", "UTF8", options.url.c_str(), nullptr};
  PGconn* raw = PQconnectStartParams(keys, values, /*expand_dbname=*/1);
  if (raw == nullptr) return Error(ErrorCode::kServiceUnavailable, "postgres: out of memory");
  std::unique_ptr<Connection> conn(new Connection(raw));
  if (PQstatus(raw) == CONNECTION_BAD)
    return Error(ErrorCode::kServiceUnavailable,
                 "postgres: cannot connect: " + OneLine(PQerrorMessage(raw)));
  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  while (state != PGRES_POLLING_OK) {
    if (state == PGRES_POLLING_FAILED)
      return Error(ErrorCode::kServiceUnavailable,
                   "postgres: cannot connect: " + OneLine(PQerrorMessage(raw)));
    const short events = state == PGRES_POLLING_READING ? POLLIN : POLLOUT;
    if (!PollFd(PQsocket(raw), events, deadline))
      return Error(ErrorCode::kServiceUnavailable,
                   "postgres: cannot connect: no answer within the deadline");
    state = PQconnectPoll(raw);
  }
  // Notices (DROP … CASCADE's list, say) are not errors; libpq would print them on stderr.
  PQsetNoticeProcessor(raw, [](void*, const char*) {}, nullptr);
  if (PQsetnonblocking(raw, 1) != 0)
    return Error(ErrorCode::kServiceUnavailable,
                 "postgres: cannot make the connection non-blocking");
  // Durable commits whatever the server's default (SPEC §11: a 200 is in PostgreSQL), and limits
  // that end a statement or an abandoned transaction on the server's side too.
  Params settings;
  settings.Text(std::to_string(options.statement_timeout.count()))
      .Text(std::to_string(options.lock_timeout.count()))
      .Text(std::to_string(options.idle_in_transaction_timeout.count()));
  Result<Rows> set = conn->QueryText(
      "SELECT set_config('synchronous_commit', 'on', false), "
      "set_config('statement_timeout', $1, false), set_config('lock_timeout', $2, false), "
      "set_config('idle_in_transaction_session_timeout', $3, false), "
      "set_config('bytea_output', 'hex', false)",
      settings, deadline);
  if (!set.ok()) return std::move(set).error();
  return conn;
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::usable() const { return !broken_ && PQstatus(conn_) == CONNECTION_OK; }

bool Connection::LooksAlive() {
  if (!usable()) return false;
  pollfd p{PQsocket(conn_), POLLIN, 0};
  // Readable while idle: the answer of a ROLLBACK sent earlier, a notice, or the end of the
  // stream. Reading it tells which.
  if (::poll(&p, 1, 0) > 0 && (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK))
    broken_ = true;
  return usable();
}

Error Connection::Lost(std::string_view what) {
  broken_ = true;
  pending_.clear();
  return Error(ErrorCode::kServiceUnavailable,
               "postgres: " + std::string(what) + ": " + OneLine(PQerrorMessage(conn_)));
}

Error Connection::Failed(const PGresult* result) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  last_sqlstate_ = state == nullptr ? "" : state;
  std::string message = "postgres: " + OneLine(PQresultErrorMessage(result));
  if (last_sqlstate_ == kUniqueViolation)
    return Error(ErrorCode::kAlreadyExists, std::move(message));
  if (IsUnavailable(last_sqlstate_) || PQstatus(conn_) != CONNECTION_OK)
    return Error(ErrorCode::kServiceUnavailable, std::move(message));
  return Error(ErrorCode::kInternalError, std::move(message));
}

Status Connection::Wait(bool write, Deadline deadline) {
  const short events = static_cast<short>(POLLIN | (write ? POLLOUT : 0));
  if (!PollFd(PQsocket(conn_), events, deadline)) {
    broken_ = true;
    pending_.clear();
    return Error(ErrorCode::kServiceUnavailable,
                 "postgres: no answer from the database within the deadline");
  }
  return OkStatus();
}

Status Connection::Flush(Deadline deadline) {
  for (;;) {
    const int r = PQflush(conn_);
    if (r == 0) return OkStatus();
    if (r < 0) return Lost("send");
    SID_TRY(Wait(/*write=*/true, deadline));
    // The server may be waiting for us to read before it reads more.
    if (PQconsumeInput(conn_) == 0) return Lost("receive");
  }
}

Result<PGresult*> Connection::Next(Deadline deadline) {
  for (;;) {
    if (PQconsumeInput(conn_) == 0) return Lost("receive");
    if (PQisBusy(conn_) == 0) return PQgetResult(conn_);
    SID_TRY(Wait(/*write=*/false, deadline));
  }
}

Status Connection::EnterPipeline() {
  if (PQpipelineStatus(conn_) != PQ_PIPELINE_OFF) return OkStatus();
  if (PQenterPipelineMode(conn_) != 1) return Lost("enter pipeline mode");
  return OkStatus();
}

Status Connection::LeavePipeline(Deadline deadline) {
  if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF) return OkStatus();
  if (!pending_.empty()) SID_TRY(Collect(deadline, nullptr));
  if (PQexitPipelineMode(conn_) != 1) return Lost("leave pipeline mode");
  return OkStatus();
}

bool Connection::SendDeferred() {
  for (const char* sql : deferred_) {
    if (PQsendQueryParams(conn_, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) != 1) return false;
    pending_.push_back({Pending::kResult, nullptr, false});
  }
  deferred_.clear();
  return true;
}

Status Connection::Collect(Deadline deadline, Rows* wanted) {
  std::optional<Error> first;
  while (!pending_.empty()) {
    const Pending p = pending_.front();
    SID_ASSIGN_OR_RETURN(PGresult * result, Next(deadline));
    if (p.kind == Pending::kSync) {
      const bool sync = result != nullptr && PQresultStatus(result) == PGRES_PIPELINE_SYNC;
      PQclear(result);
      if (!sync) return Lost("pipeline out of step");
      pending_.pop_front();
      continue;
    }
    if (result == nullptr) return Lost("pipeline out of step");
    Rows rows(result);
    switch (PQresultStatus(result)) {
      case PGRES_TUPLES_OK:
      case PGRES_COMMAND_OK:
        if (p.prepares != nullptr) {
          // The name was chosen when the PARSE was sent: the next one in sequence.
          prepared_.emplace(p.prepares, "s" + std::to_string(prepared_.size()));
        }
        if (p.wanted && wanted != nullptr) *wanted = std::move(rows);
        break;
      case PGRES_PIPELINE_ABORTED:
        if (!first) first = Error(ErrorCode::kInternalError, "postgres: statement not run");
        break;
      default:
        if (!first) first = Failed(result);
        break;
    }
    // The end of this statement's results.
    for (;;) {
      SID_ASSIGN_OR_RETURN(PGresult * extra, Next(deadline));
      if (extra == nullptr) break;
      PQclear(extra);
    }
    pending_.pop_front();
  }
  if (first) return std::move(*first);
  return OkStatus();
}

Result<Rows> Connection::Query(const char* sql, const Params& params, Deadline deadline,
                               ResultFormat format) {
  last_sqlstate_.clear();
  if (!usable()) return Lost("connection unusable");
  // Answers owed by an earlier SendAndForget come first.
  if (!pending_.empty()) {
    Status earlier = Collect(deadline, nullptr);
    if (!earlier.ok()) {
      deferred_.clear();
      return std::move(earlier).error();
    }
  }
  SID_TRY(EnterPipeline());
  if (!SendDeferred()) return Lost("send");
  std::string name;
  if (auto it = prepared_.find(sql); it != prepared_.end()) {
    name = it->second;
  } else {
    // Named by the order of successful PARSEs, which Collect records under the same rule.
    name = "s" + std::to_string(prepared_.size());
    if (PQsendPrepare(conn_, name.c_str(), sql, 0, nullptr) != 1) return Lost("send");
    pending_.push_back({Pending::kResult, sql, false});
  }
  const int result_format = format == ResultFormat::kBinary ? 1 : 0;
  if (PQsendQueryPrepared(conn_, name.c_str(), params.size(), params.values(), params.lengths(),
                          params.formats(), result_format) != 1 ||
      PQpipelineSync(conn_) != 1)
    return Lost("send");
  pending_.push_back({Pending::kResult, nullptr, true});
  pending_.push_back({Pending::kSync, nullptr, false});
  SID_TRY(Flush(deadline));
  Rows rows;
  SID_TRY(Collect(deadline, &rows));
  return rows;
}

Result<Rows> Connection::QueryText(const std::string& sql, const Params& params,
                                   Deadline deadline) {
  last_sqlstate_.clear();
  if (!usable()) return Lost("connection unusable");
  if (!pending_.empty()) SID_TRY(Collect(deadline, nullptr));
  SID_TRY(EnterPipeline());
  if (!SendDeferred()) return Lost("send");
  if (PQsendQueryParams(conn_, sql.c_str(), params.size(), nullptr, params.values(),
                        params.lengths(), params.formats(), 0) != 1 ||
      PQpipelineSync(conn_) != 1)
    return Lost("send");
  pending_.push_back({Pending::kResult, nullptr, true});
  pending_.push_back({Pending::kSync, nullptr, false});
  SID_TRY(Flush(deadline));
  Rows rows;
  SID_TRY(Collect(deadline, &rows));
  return rows;
}

void Connection::Defer(const char* sql) { deferred_.push_back(sql); }

Status Connection::SendAndForget(const char* sql, Deadline deadline) {
  if (!usable()) return Lost("connection unusable");
  SID_TRY(EnterPipeline());
  if (PQsendQueryParams(conn_, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) != 1 ||
      PQpipelineSync(conn_) != 1)
    return Lost("send");
  pending_.push_back({Pending::kResult, nullptr, false});
  pending_.push_back({Pending::kSync, nullptr, false});
  return Flush(deadline);
}

Status Connection::Script(const std::string& sql, Deadline deadline) {
  last_sqlstate_.clear();
  if (!usable()) return Lost("connection unusable");
  SID_TRY(LeavePipeline(deadline));
  if (PQsendQuery(conn_, sql.c_str()) != 1) return Lost("send");
  SID_TRY(Flush(deadline));
  std::optional<Error> first;
  for (;;) {
    SID_ASSIGN_OR_RETURN(PGresult * result, Next(deadline));
    if (result == nullptr) break;
    const ExecStatusType status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && !first) first = Failed(result);
    PQclear(result);
  }
  if (first) return std::move(*first);
  return OkStatus();
}

}  // namespace senderid::pg
