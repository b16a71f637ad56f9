#include "store/sqlite/sqlite_backup.h"

#include <sys/stat.h>

#include <memory>

#include "store/sqlite/connection.h"
#include "store/sqlite/sqlite_store.h"

namespace senderid::sqlite {
namespace {

Status MustExist(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return Error(ErrorCode::kNotFound, "no SQLite store at " + path);
  return OkStatus();
}

// Copies the database `schema` of `source` ("main" or an attached one) into the new file
// `target`. With -1 every page is copied in one step, inside the read transaction `source`
// already has open: the copy is of that transaction's moment.
Status CopyDatabase(sqlite3* source, const char* schema, const std::string& target) {
  SID_ASSIGN_OR_RETURN(std::unique_ptr<Connection> copy,
                       Connection::Open(target, Connection::Mode::kReadWrite,
                                        /*synchronous_full=*/true));
  sqlite3_backup* backup = sqlite3_backup_init(copy->db(), "main", source, schema);
  if (backup == nullptr)
    return StoreError(copy->db(), sqlite3_errcode(copy->db()), "backup to " + target);
  const int stepped = sqlite3_backup_step(backup, -1);
  const int finished = sqlite3_backup_finish(backup);
  if (stepped != SQLITE_DONE) return StoreError(copy->db(), stepped, "backup to " + target);
  if (finished != SQLITE_OK) return StoreError(copy->db(), finished, "backup to " + target);
  SID_ASSIGN_OR_RETURN(Statement check, copy->Prepare("PRAGMA quick_check"));
  SID_ASSIGN_OR_RETURN(bool row, check.Step());
  if (!row || check.Text(0) != "ok")
    return Error(ErrorCode::kInternalError,
                 "the copy " + target + " fails PRAGMA quick_check: " + (row ? check.Text(0) : ""));
  return OkStatus();
}

Result<StoreCopy> ReadCopyFacts(Connection& source) {
  StoreCopy facts;
  {
    SID_ASSIGN_OR_RETURN(Statement version, source.Prepare("PRAGMA main.user_version"));
    SID_ASSIGN_OR_RETURN(bool row, version.Step());
    if (row) facts.schema_version = static_cast<int>(version.Int(0));
  }
  SID_ASSIGN_OR_RETURN(Statement docs,
                       source.Prepare("SELECT name, size FROM main.documents ORDER BY name"));
  for (;;) {
    SID_ASSIGN_OR_RETURN(bool row, docs.Step());
    if (!row) break;
    facts.documents.push_back(DocumentFile{docs.Text(0), docs.Int(1)});
  }
  return facts;
}

}  // namespace

Result<StoreCopy> CopyStore(const std::string& path, const std::string& main_copy,
                            const std::string& signatures_copy) {
  const std::string signatures = SignaturesPathOf(path);
  SID_TRY(MustExist(path));
  SID_TRY(MustExist(signatures));
  SID_ASSIGN_OR_RETURN(std::unique_ptr<Connection> source,
                       Connection::Open(path, Connection::Mode::kReadOnly,
                                        /*synchronous_full=*/true));
  {
    SID_ASSIGN_OR_RETURN(Statement attach, source->Prepare("ATTACH DATABASE ? AS replay"));
    attach.Bind(1, signatures);
    SID_TRY(attach.Run());
  }
  // A read of each file opens the transaction on both: one snapshot for everything below.
  SID_TRY(source->Exec("BEGIN; SELECT count(*) FROM main.sqlite_schema; "
                       "SELECT count(*) FROM replay.sqlite_schema;"));
  StoreCopy facts;
  Status copied = [&]() -> Status {
    SID_ASSIGN_OR_RETURN(facts, ReadCopyFacts(*source));
    SID_TRY(CopyDatabase(source->db(), "main", main_copy));
    return CopyDatabase(source->db(), "replay", signatures_copy);
  }();
  (void)source->Exec("COMMIT");  // ends the read transaction (nothing was written)
  SID_TRY(std::move(copied));
  return facts;
}

}  // namespace senderid::sqlite
