#include <utility>

#include "store/postgres/repositories.h"

namespace senderid::pg {
namespace {

// `use`: attached to a request whose documents were not released.
#define SID_DOCUMENT_COLUMNS                                                                  \
  "SELECT d.document_id, d.account_id, d.name, d.original_name, d.category, d.content_type, " \
  "d.size, d.date_created, EXISTS (SELECT 1 FROM review_documents rd WHERE rd.document_id = " \
  "d.document_id AND NOT rd.released) AS in_use FROM documents d "

Document ReadDocument(const Rows& r, int i) {
  Document d;
  d.document_id = r.Text(i, 0);
  d.account_id = r.Text(i, 1);
  d.name = r.Text(i, 2);
  d.original_name = r.Text(i, 3);
  d.category = r.Text(i, 4);
  d.content_type = r.Text(i, 5);
  d.size = r.Int(i, 6);
  d.date_created = r.Int(i, 7);
  d.use = r.Bool(i, 8);
  return d;
}

}  // namespace

Result<std::optional<Document>> PgDocuments::Find(std::string_view account_id,
                                                  std::string_view document_id) {
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query(SID_DOCUMENT_COLUMNS "WHERE d.account_id = $1 AND d.document_id = $2",
                       Params().Text(account_id).Text(document_id)));
  if (r.size() == 0) return std::optional<Document>();
  return std::optional<Document>(ReadDocument(r, 0));
}

Result<std::optional<Document>> PgDocuments::FindAny(std::string_view document_id) {
  SID_ASSIGN_OR_RETURN(Rows r, s_.Query(SID_DOCUMENT_COLUMNS "WHERE d.document_id = $1",
                                        Params().Text(document_id)));
  if (r.size() == 0) return std::optional<Document>();
  return std::optional<Document>(ReadDocument(r, 0));
}

Result<std::vector<Document>> PgDocuments::List(std::string_view account_id,
                                                const DocumentFilter& f) {
  // documents_by_account (account_id, document_id) gives the order; the optional filters are
  // NULL-or-equal predicates on the rows it yields.
  SID_ASSIGN_OR_RETURN(
      Rows r,
      s_.Query("SELECT * FROM (" SID_DOCUMENT_COLUMNS
               "WHERE d.account_id = $1 AND ($2::text IS NULL OR d.document_id = $2) "
               "AND ($3::bigint IS NULL OR d.date_created >= $3) "
               "AND ($4::bigint IS NULL OR d.date_created <= $4) "
               "AND ($5::text IS NULL OR d.category = $5) "
               "AND ($6::text IS NULL OR d.document_id <= $6)) docs "
               "WHERE ($7::boolean IS NULL OR in_use = $7) ORDER BY document_id DESC LIMIT $8",
               Params()
                   .Text(account_id)
                   .OptionalText(f.document_id)
                   .OptionalInt(f.created_from)
                   .OptionalInt(f.created_to)
                   .OptionalText(f.category)
                   .OptionalText(f.start_key)
                   .OptionalText(f.use ? std::optional<std::string>(*f.use ? "true" : "false")
                                       : std::nullopt)
                   .OptionalInt(f.limit < 0 ? std::nullopt : std::optional<int64_t>(f.limit))));
  std::vector<Document> out;
  for (int i = 0; i < r.size(); ++i) out.push_back(ReadDocument(r, i));
  return out;
}

Result<int> PgDocuments::Count(std::string_view account_id) {
  SID_ASSIGN_OR_RETURN(Rows r, s_.Query("SELECT count(*) FROM documents WHERE account_id = $1",
                                        Params().Text(account_id)));
  return static_cast<int>(r.Int(0, 0));
}

Result<bool> PgDocuments::NameExists(std::string_view name) {
  SID_ASSIGN_OR_RETURN(Rows r,
                       s_.Query("SELECT 1 FROM documents WHERE name = $1", Params().Text(name)));
  return r.size() > 0;
}

Status PgDocuments::Insert(const Document& d) {
  SID_ASSIGN_OR_RETURN(
      Rows r,
      s_.Query("INSERT INTO documents (document_id, account_id, name, original_name, category, "
               "content_type, size, date_created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
               "ON CONFLICT DO NOTHING",
               Params()
                   .Text(d.document_id)
                   .Text(d.account_id)
                   .Text(d.name)
                   .Text(d.original_name)
                   .Text(d.category)
                   .Text(d.content_type)
                   .Int(d.size)
                   .Int(d.date_created)));
  if (r.affected() == 0)
    return Error(ErrorCode::kAlreadyExists, "document exists: " + d.document_id);
  return OkStatus();
}

Status PgDocuments::Delete(std::string_view document_id) {
  SID_TRY(s_.Query("DELETE FROM documents WHERE document_id = $1", Params().Text(document_id)));
  return OkStatus();
}

}  // namespace senderid::pg
