#include "store/sqlite/sqlite_documents.h"

#include <string>

namespace senderid::sqlite {
namespace {

constexpr const char* kDocumentColumns =
    "SELECT d.document_id, d.account_id, d.name, d.original_name, d.category, d.content_type, "
    "d.size, d.date_created, EXISTS (SELECT 1 FROM review_documents rd WHERE rd.document_id = "
    "d.document_id AND rd.released = 0) AS in_use FROM documents d ";

Document ReadDocumentRow(const Statement& st) {
  Document d;
  d.document_id = st.Text(0);
  d.account_id = st.Text(1);
  d.name = st.Text(2);
  d.original_name = st.Text(3);
  d.category = st.Text(4);
  d.content_type = st.Text(5);
  d.size = st.Int(6);
  d.date_created = st.Int(7);
  d.use = st.Int(8) != 0;
  return d;
}

}  // namespace

Result<std::optional<Document>> SqliteDocuments::Find(std::string_view account_id,
                                                      std::string_view document_id) {
  static const std::string sql =
      std::string(kDocumentColumns) + "WHERE d.account_id = ? AND d.document_id = ?";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, account_id).Bind(2, document_id);
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Document>();
  return std::optional<Document>(ReadDocumentRow(st));
}

Result<std::optional<Document>> SqliteDocuments::FindAny(std::string_view document_id) {
  static const std::string sql = std::string(kDocumentColumns) + "WHERE d.document_id = ?";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, document_id);
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Document>();
  return std::optional<Document>(ReadDocumentRow(st));
}

Result<std::vector<Document>> SqliteDocuments::List(std::string_view account_id,
                                                    const DocumentFilter& f) {
  static const std::string sql =
      "SELECT * FROM (" + std::string(kDocumentColumns) +
      "WHERE d.account_id = ?1 AND (?2 IS NULL OR d.document_id = ?2) "
      "AND (?3 IS NULL OR d.date_created >= ?3) AND (?4 IS NULL OR d.date_created <= ?4) "
      "AND (?5 IS NULL OR d.category = ?5) AND (?6 IS NULL OR d.document_id <= ?6)) "
      "WHERE (?7 IS NULL OR in_use = ?7) ORDER BY document_id DESC LIMIT ?8";
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare(sql.c_str()));
  st.Bind(1, account_id);
  if (f.document_id) st.Bind(2, *f.document_id); else st.BindNull(2);
  st.Bind(3, f.created_from).Bind(4, f.created_to);
  if (f.category) st.Bind(5, *f.category); else st.BindNull(5);
  if (f.start_key) st.Bind(6, *f.start_key); else st.BindNull(6);
  if (f.use) st.Bind(7, static_cast<int64_t>(*f.use)); else st.BindNull(7);
  st.Bind(8, static_cast<int64_t>(f.limit));
  return st.Collect(ReadDocumentRow);
}

Result<int> SqliteDocuments::Count(std::string_view account_id) {
  // Counted on documents_by_account alone (a covering index for this query).
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("SELECT count(*) FROM documents WHERE account_id = ?"));
  st.Bind(1, account_id);
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? static_cast<int>(st.Int(0)) : 0;
}

Result<bool> SqliteDocuments::NameExists(std::string_view name) {
  SID_ASSIGN_OR_RETURN(Statement st, conn_.Prepare("SELECT 1 FROM documents WHERE name = ?"));
  st.Bind(1, name);
  return st.Step();
}

Status SqliteDocuments::Insert(const Document& d) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("INSERT INTO documents (document_id, account_id, name, original_name, "
                    "category, content_type, size, date_created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, d.document_id).Bind(2, d.account_id).Bind(3, d.name).Bind(4, d.original_name);
  st.Bind(5, d.category).Bind(6, d.content_type).Bind(7, d.size).Bind(8, d.date_created);
  SID_TRY(st.Run());
  return OkStatus();
}

Status SqliteDocuments::Delete(std::string_view document_id) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("DELETE FROM documents WHERE document_id = ?"));
  st.Bind(1, document_id);
  SID_TRY(st.Run());
  return OkStatus();
}

}  // namespace senderid::sqlite
