#pragma once
// DocumentsRepository over one SQLite connection inside an open transaction (SqliteTx owns it).
// A document's `use` is derived from review_documents (attached to a request and not released).
// Not thread-safe: used on the transaction's thread only. Errors as StoreError maps them.

#include "core/ports/documents_repository.h"
#include "store/sqlite/connection.h"

namespace senderid::sqlite {

class SqliteDocuments final : public DocumentsRepository {
 public:
  explicit SqliteDocuments(Connection& conn) : conn_(conn) {}

  Result<std::optional<Document>> Find(std::string_view account_id,
                                       std::string_view document_id) override;
  Result<std::optional<Document>> FindAny(std::string_view document_id) override;
  Result<std::vector<Document>> List(std::string_view account_id,
                                     const DocumentFilter& filter) override;
  Result<int> Count(std::string_view account_id) override;
  Result<bool> NameExists(std::string_view name) override;

  Status Insert(const Document& document) override;
  Status Delete(std::string_view document_id) override;

 private:
  Connection& conn_;
};

}  // namespace senderid::sqlite
