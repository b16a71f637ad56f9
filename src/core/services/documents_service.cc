#include "core/services/documents_service.h"

#include <algorithm>

#include "core/document_content.h"
#include "core/ids.h"
#include "core/messages.h"

namespace senderid {
namespace {

constexpr std::string_view kMixedAlnum =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

Error UnknownDocument() {
  return Error(ErrorCode::kInvalidDocumentId, std::string(message::kInvalidDocumentId));
}

}  // namespace

namespace registry {

Result<std::vector<std::string>> CheckDocuments(StoreReader& r, const std::string& account_id,
                                                const std::vector<std::string>& document_ids) {
  std::vector<std::string> out;
  for (const std::string& id : document_ids) {
    if (std::find(out.begin(), out.end(), id) != out.end()) continue;
    SID_ASSIGN_OR_RETURN(std::optional<Document> d, r.FindDocument(account_id, id));
    if (!d) return UnknownDocument();
    out.push_back(id);
  }
  return out;
}

}  // namespace registry

DocumentsService::DocumentsService(Store& store, BlobStore& blobs, const Clock& clock,
                                   Random& random, DocumentOptions options)
    : store_(store), blobs_(blobs), clock_(clock), random_(random), options_(options) {}

Result<Document> DocumentsService::Upload(const std::string& account_id,
                                          const UploadInput& upload) {
  const std::optional<std::string> category = NormalizeCategory(upload.category);
  if (!category)
    return Error(ErrorCode::kValidationError,
                 "'category' must be SENDERID_APPROVAL, SENDERID_LIMITATION, "
                 "SENDERID_IDENTIFICATION or SENDERID_CONSIGNMENT");
  if (static_cast<int64_t>(upload.bytes.size()) > options_.max_size)
    return Error(ErrorCode::kFileSizeTooLarge, std::string(message::kFileSizeTooLarge));
  const std::optional<ContentType> type = DetectContentType(upload.bytes);
  if (!type || (upload.name && NameContradicts(*upload.name, *type)))
    return Error(ErrorCode::kInvalidFileType, std::string(message::kInvalidFileType));

  const TimeMs now = clock_.Now();
  Document d;
  d.document_id = NewId(kDocumentPrefix, now, random_);
  d.account_id = account_id;
  d.name = RandomString(random_, 15, kMixedAlnum) + "." + std::string(type->extension);
  d.original_name = upload.name && !upload.name->empty() ? *upload.name : d.name;
  d.category = *category;
  d.content_type = std::string(type->mime);
  d.size = static_cast<int64_t>(upload.bytes.size());
  d.date_created = now;
  // Bytes first, row second: a crash in between leaves a stray file (removed at start), never a row
  // without its bytes.
  SID_TRY(blobs_.Put(d.name, upload.bytes));
  Status inserted = store_.Write([&](StoreWriter& w) { return w.InsertDocument(d); });
  if (!inserted.ok()) {
    (void)blobs_.Remove(d.name);
    return std::move(inserted).error();
  }
  return d;
}

Result<DocumentPage> DocumentsService::List(const std::string& account_id, DocumentFilter filter) {
  const int page_size = filter.limit;
  filter.limit = page_size + 1;  // one more tells whether there is a next page
  SID_ASSIGN_OR_RETURN(std::vector<Document> docs,
                       ReadValue<std::vector<Document>>(store_, [&](StoreReader& r) {
                         return r.ListDocuments(account_id, filter);
                       }));
  DocumentPage page;
  if (static_cast<int>(docs.size()) > page_size) {
    page.next_key = docs[static_cast<size_t>(page_size)].document_id;
    docs.resize(static_cast<size_t>(page_size));
  }
  page.data = std::move(docs);
  return page;
}

Result<Document> DocumentsService::Get(const std::string& account_id,
                                       std::string_view document_id) {
  SID_ASSIGN_OR_RETURN(std::optional<Document> d,
                       ReadValue<std::optional<Document>>(store_, [&](StoreReader& r) {
                         return r.FindDocument(account_id, document_id);
                       }));
  if (!d) return UnknownDocument();
  return std::move(*d);
}

Result<DocumentFile> DocumentsService::Download(const std::string& account_id,
                                                std::string_view document_id) {
  SID_ASSIGN_OR_RETURN(Document d, Get(account_id, document_id));
  Result<std::string> bytes = blobs_.Get(d.name);
  if (!bytes.ok()) {
    // A row without its bytes is exactly what the upload order rules out: report it loudly.
    return Error(ErrorCode::kInternalError, "document " + d.document_id + " has no bytes: " +
                                                bytes.error().message);
  }
  return DocumentFile{std::move(d), std::move(bytes).value()};
}

Result<std::vector<Document>> DocumentsService::Delete(
    const std::string& account_id, const std::vector<std::string>& document_ids) {
  SID_ASSIGN_OR_RETURN(
      std::vector<Document> deleted,
      WriteValue<std::vector<Document>>(store_, [&](StoreWriter& w) -> Result<std::vector<Document>> {
        std::vector<Document> out;
        for (const std::string& id : document_ids) {
          SID_ASSIGN_OR_RETURN(std::optional<Document> d, w.FindDocument(account_id, id));
          if (!d) return UnknownDocument();
          if (std::any_of(out.begin(), out.end(),
                          [&](const Document& o) { return o.document_id == id; }))
            continue;
          out.push_back(std::move(*d));
        }
        for (const Document& d : out)
          if (d.use)
            return Error(ErrorCode::kDocumentInUse, std::string(message::kDocumentInUse) + " (" +
                                                        d.document_id + ")");
        for (const Document& d : out) SID_TRY(w.DeleteDocument(d.document_id));
        return out;
      }));
  // Rows first, files after the commit: a crash in between leaves stray files, removed at start.
  for (const Document& d : deleted) (void)blobs_.Remove(d.name);
  return deleted;
}

Result<int> DocumentsService::RemoveStrayFiles() {
  SID_ASSIGN_OR_RETURN(int removed, blobs_.RemoveTemporaries());
  SID_ASSIGN_OR_RETURN(std::vector<std::string> names, blobs_.List());
  for (const std::string& name : names) {
    SID_ASSIGN_OR_RETURN(bool known, ReadValue<bool>(store_, [&](StoreReader& r) {
                           return r.DocumentNameExists(name);
                         }));
    if (known) continue;
    SID_TRY(blobs_.Remove(name));
    ++removed;
  }
  return removed;
}

}  // namespace senderid
