#pragma once
// The documents' bytes in PostgreSQL (table document_blobs), so that an upload through one
// instance is served by every other and no instance keeps files of its own. A Put is one
// statement committed on its own (durable when it returns: synchronous_commit on), so there are
// never half-written blobs and RemoveTemporaries has nothing to do. List returns only the blobs no
// document row names — the others are never stray, and listing every blob of a large registry
// each sweep would read them all for nothing.
//
// Thread-safe. Each call has the store's deadline; a database it cannot reach is
// kServiceUnavailable.

#include <atomic>
#include <chrono>

#include "core/ports/blob_store.h"
#include "store/postgres/pool.h"

namespace senderid::pg {

class PgBlobStore final : public BlobStore {
 public:
  // `ready` is the store's: false until its schema was opened.
  PgBlobStore(Pool& pool, std::chrono::milliseconds deadline, const std::atomic<bool>& ready)
      : pool_(pool), deadline_(deadline), ready_(ready) {}

  Status Put(std::string_view name, std::string_view bytes) override;
  Result<std::string> Get(std::string_view name) override;
  Status Remove(std::string_view name) override;
  Result<std::vector<StoredBlob>> List() override;
  Result<int> RemoveTemporaries(TimeMs before) override;

 private:
  // One statement on a pooled connection, once more on a fresh connection if the pooled one was
  // stale (lost before the statement ran: the single statement either ran whole or not at all).
  Result<Rows> Run(const char* sql, const Params& params, ResultFormat format);

  Pool& pool_;
  const std::chrono::milliseconds deadline_;
  const std::atomic<bool>& ready_;
};

}  // namespace senderid::pg
