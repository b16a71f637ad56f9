#include "store/sqlite/connection.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace senderid::sqlite {

Error StoreError(sqlite3* db, int rc, std::string_view what) {
  std::string message = "sqlite: " + std::string(what) + ": " +
                        (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
    return Error(ErrorCode::kAlreadyExists, std::move(message));
  const int primary = rc & 0xff;
  const bool unavailable = primary == SQLITE_FULL || primary == SQLITE_READONLY ||
                           primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN ||
                           primary == SQLITE_BUSY || primary == SQLITE_LOCKED ||
                           primary == SQLITE_NOMEM || primary == SQLITE_PERM;
  return Error(unavailable ? ErrorCode::kServiceUnavailable : ErrorCode::kInternalError,
               std::move(message));
}

Status CreatePrivateFile(const std::string& path) {
  // In-memory and URI names are not files of ours.
  if (path.empty() || path.rfind(":memory:", 0) == 0 || path.rfind("file:", 0) == 0)
    return OkStatus();
  // O_EXCL: only the process that creates the file sets its mode; an empty file is an empty
  // database to SQLite.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return OkStatus();
    return Error(ErrorCode::kServiceUnavailable,
                 "sqlite: cannot create " + path + ": " + std::strerror(errno));
  }
  // The umask may only have removed bits; fchmod makes the mode exactly 0600 either way.
  const bool ok = ::fchmod(fd, 0600) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok)
    return Error(ErrorCode::kServiceUnavailable,
                 "sqlite: cannot chmod " + path + ": " + std::strerror(saved));
  return OkStatus();
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, Mode mode,
                                                     bool synchronous_full) {
  if (mode == Mode::kReadWrite) SID_TRY(CreatePrivateFile(path));
  // Before the library initialises (the first open): without memory statistics, which senderid
  // never reads, every allocation inside SQLite skips a process-wide mutex that all connections
  // (the writer and every reader) would otherwise take.
  static const bool configured = [] {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  }();
  (void)configured;
  sqlite3* db = nullptr;
  const int flags = (mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY
                                             : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error e = StoreError(db, rc, "open " + path);
    sqlite3_close(db);
    return e;
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_busy_timeout(db, 5000);
  sqlite3_extended_result_codes(db, 1);
  SID_TRY(conn->Exec(synchronous_full ? "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;"
                                      : "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;"));
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Status Connection::Exec(const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) return StoreError(db_, rc, "exec");
  return OkStatus();
}

Status Connection::Run(const char* sql) {
  SID_ASSIGN_OR_RETURN(Statement st, Prepare(sql));
  SID_TRY(st.Run());
  return OkStatus();
}

Result<Statement> Connection::Prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return StoreError(db_, rc, "prepare");
    it = cache_.emplace(sql, stmt).first;
  }
  return Statement(db_, it->second);
}

Statement::~Statement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::Bind(int index, std::optional<int64_t> value) {
  return value ? Bind(index, *value) : BindNull(index);
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return StoreError(db_, rc, "step");
}

Result<int> Statement::Run() {
  SID_ASSIGN_OR_RETURN(bool row, Step());
  (void)row;
  return sqlite3_changes(db_);
}

std::string Statement::Text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return p == nullptr ? std::string() : std::string(p, sqlite3_column_bytes(stmt_, column));
}

std::string Statement::Blob(int column) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  return p == nullptr ? std::string() : std::string(p, sqlite3_column_bytes(stmt_, column));
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::optional<int64_t> Statement::OptionalInt(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return Int(column);
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::optional<std::string> Statement::OptionalText(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return Text(column);
}

}  // namespace senderid::sqlite
