#pragma once
// Evidence documents of an account (SPEC §3.6, §4 endpoints 10–13 and the file download, §4 Bounds).
// Thread-safe.
//
// Bytes and rows: an upload stores its bytes durably under a fresh name before its row commits; a
// delete commits the row removal before the bytes go. A crash in between leaves a blob without a
// row, which SweepBlobs removes once it is older than a grace period — never younger, because the
// blob of an upload still in progress (in this or another process) has no row yet either.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bounds.h"
#include "core/entities.h"
#include "core/error.h"
#include "core/lifecycle/lifecycle.h"
#include "core/ports/blob_store.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"
#include "core/ports/store.h"
#include "core/values.h"

namespace senderid {

struct DocumentOptions {
  int64_t max_size = 716'800;           // decoded bytes (700 KB)
  int max_per_account = bounds::kDocumentsPerAccount;  // stored documents (SPEC §4 Bounds)
  TimeMs stray_blob_grace = kHour;      // a blob without a row younger than this is left alone
};

class DocumentsService {
 public:
  DocumentsService(Store& store, BlobStore& blobs, const Clock& clock, Random& random,
                   const Lifecycle& lifecycle, DocumentOptions options);

  // Checks size, type, name and the per-account cap, stores the bytes durably, then the row.
  // kFileSizeTooLarge, kInvalidFileType, kValidationError (category), kLimitExceeded.
  Result<Document> Upload(const std::string& account_id, const UploadInput& upload);
  // Newest first. `filter.limit` is the page size (1–1000).
  Result<DocumentPage> List(const std::string& account_id, DocumentFilter filter);
  Result<Document> Get(const std::string& account_id, std::string_view document_id);
  Result<DocumentFile> Download(const std::string& account_id, std::string_view document_id);
  // All or nothing: any unknown id → kInvalidDocumentId, any used one → kDocumentInUse.
  Result<std::vector<Document>> Delete(const std::string& account_id,
                                       const std::vector<std::string>& document_ids);

  // Removes temporaries of interrupted writes and blobs that no row names, if older than
  // stray_blob_grace. Returns how many files went.
  Result<int> SweepBlobs();

 private:
  Store& store_;
  BlobStore& blobs_;
  const Clock& clock_;
  Random& random_;
  const Lifecycle& lifecycle_;
  DocumentOptions options_;
};

}  // namespace senderid
