#include "store/postgres/blob_store.h"

#include <utility>

namespace senderid::pg {

Result<Rows> PgBlobStore::Run(const char* sql, const Params& params, ResultFormat format) {
  if (!ready_.load())
    return Error(ErrorCode::kServiceUnavailable, "postgres: the database is not ready");
  const Deadline deadline = SteadyClock::now() + deadline_;
  for (int attempt = 0;; ++attempt) {
    SID_ASSIGN_OR_RETURN(Lease conn, pool_.Acquire(deadline));
    Result<Rows> r = conn->Query(sql, params, deadline, format);
    if (r.ok() || attempt > 0 || conn->usable() || SteadyClock::now() >= deadline) return r;
  }
}

Status PgBlobStore::Put(std::string_view name, std::string_view bytes) {
  // Names are fresh random stems: a conflict is a retried Put of the same upload.
  SID_TRY(
      Run("INSERT INTO document_blobs (name, bytes, date_created) VALUES ($1, $2, "
          "(extract(epoch FROM clock_timestamp()) * 1000)::bigint) ON CONFLICT (name) DO "
          "UPDATE SET bytes = excluded.bytes, date_created = excluded.date_created",
          Params().Text(name).Bytes(bytes), ResultFormat::kText));
  return OkStatus();
}

Result<std::string> PgBlobStore::Get(std::string_view name) {
  SID_ASSIGN_OR_RETURN(Rows r, Run("SELECT bytes FROM document_blobs WHERE name = $1",
                                   Params().Text(name), ResultFormat::kBinary));
  if (r.size() == 0)
    return Error(ErrorCode::kNotFound, "no document bytes named " + std::string(name));
  return r.Bytes(0, 0);
}

Status PgBlobStore::Remove(std::string_view name) {
  SID_TRY(
      Run("DELETE FROM document_blobs WHERE name = $1", Params().Text(name), ResultFormat::kText));
  return OkStatus();
}

Result<std::vector<StoredBlob>> PgBlobStore::List() {
  SID_ASSIGN_OR_RETURN(Rows r, Run("SELECT b.name, b.date_created FROM document_blobs b WHERE "
                                   "NOT EXISTS (SELECT 1 FROM documents d WHERE d.name = b.name)",
                                   Params(), ResultFormat::kText));
  std::vector<StoredBlob> out;
  for (int i = 0; i < r.size(); ++i) out.push_back({r.Text(i, 0), r.Int(i, 1)});
  return out;
}

Result<int> PgBlobStore::RemoveTemporaries(TimeMs /*before*/) { return 0; }

}  // namespace senderid::pg
