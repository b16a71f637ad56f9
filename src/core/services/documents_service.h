#pragma once
// Evidence documents of an account (SPEC §3.6, §4 endpoints 10–13 and the file download).
// Thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/entities.h"
#include "core/error.h"
#include "core/ports/blob_store.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"
#include "core/ports/store.h"

namespace senderid {

struct DocumentOptions {
  int64_t max_size = 716'800;  // decoded bytes (700 KB)
};

struct UploadInput {
  std::string bytes;  // decoded content
  std::string category;
  std::optional<std::string> name;
};

struct DocumentPage {
  std::vector<Document> data;
  std::optional<std::string> next_key;
};

struct DocumentFile {
  Document document;
  std::string bytes;
};

class DocumentsService {
 public:
  DocumentsService(Store& store, BlobStore& blobs, const Clock& clock, Random& random,
                   DocumentOptions options);

  // Checks size, type and name, stores the bytes durably, then the row. kFileSizeTooLarge,
  // kInvalidFileType, kValidationError (category).
  Result<Document> Upload(const std::string& account_id, const UploadInput& upload);
  // Newest first. `filter.limit` is the page size (1–1000).
  Result<DocumentPage> List(const std::string& account_id, DocumentFilter filter);
  Result<Document> Get(const std::string& account_id, std::string_view document_id);
  Result<DocumentFile> Download(const std::string& account_id, std::string_view document_id);
  // All or nothing: any unknown id → kInvalidDocumentId, any used one → kDocumentInUse.
  Result<std::vector<Document>> Delete(const std::string& account_id,
                                       const std::vector<std::string>& document_ids);

  // At start: deletes temporaries of interrupted uploads and blobs no document row names (an upload
  // that crashed between its bytes and its row, a delete that crashed after its row). Returns how
  // many files went.
  Result<int> RemoveStrayFiles();

 private:
  Store& store_;
  BlobStore& blobs_;
  const Clock& clock_;
  Random& random_;
  DocumentOptions options_;
};

namespace registry {
// The account's documents for these ids, in order and without repeats; kInvalidDocumentId when one
// is unknown or foreign.
Result<std::vector<std::string>> CheckDocuments(StoreReader& r, const std::string& account_id,
                                                const std::vector<std::string>& document_ids);
}  // namespace registry

}  // namespace senderid
