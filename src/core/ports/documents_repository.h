#pragma once
// Evidence documents' rows (SPEC §3.6); their bytes are in the BlobStore under Document::name.
// Inside a store transaction (see store.h).

#include <optional>
#include <string_view>
#include <vector>

#include "core/entities.h"
#include "core/error.h"
#include "core/values.h"

namespace senderid {

class DocumentsReader {
 public:
  virtual ~DocumentsReader() = default;
  // One document of the account (with `use`: attached to a request whose documents were not
  // released), or nullopt.
  virtual Result<std::optional<Document>> Find(std::string_view account_id,
                                               std::string_view document_id) = 0;
  // The account's documents matching `filter`, by document_id descending, at most filter.limit.
  // One document of any account (operators are not tenants, SPEC §13), or nullopt.
  virtual Result<std::optional<Document>> FindAny(std::string_view document_id) = 0;
  virtual Result<std::vector<Document>> List(std::string_view account_id,
                                             const DocumentFilter& filter) = 0;
  virtual Result<int> Count(std::string_view account_id) = 0;
  // Whether some document's bytes are stored under `name` (sweeping stray blobs).
  virtual Result<bool> NameExists(std::string_view name) = 0;
};

class DocumentsRepository : public DocumentsReader {
 public:
  // kAlreadyExists when the id or the name is taken.
  virtual Status Insert(const Document& document) = 0;
  virtual Status Delete(std::string_view document_id) = 0;
};

}  // namespace senderid
