#include "core/services/documents_service.h"

#include <algorithm>

#include "core/catalogue.h"
#include "core/document_content.h"
#include "core/ids.h"

namespace senderid {
namespace {

constexpr std::string_view kMixedAlnum =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

Error UnknownDocument() {
  return Error(ErrorCode::kInvalidDocumentId, std::string(text::message::kInvalidDocumentId));
}

}  // namespace

DocumentsService::DocumentsService(Store& store, BlobStore& blobs, const Clock& clock,
                                   Random& random, const Lifecycle& lifecycle,
                                   DocumentOptions options)
    : store_(store),
      blobs_(blobs),
      clock_(clock),
      random_(random),
      lifecycle_(lifecycle),
      options_(options) {}

Result<Document> DocumentsService::Upload(const std::string& account_id,
                                          const UploadInput& upload) {
  const std::optional<std::string> category = NormalizeCategory(upload.category);
  if (!category) return Error(ErrorCode::kValidationError, std::string(text::invalid::kCategory));
  if (static_cast<int64_t>(upload.bytes.size()) > options_.max_size)
    return Error(ErrorCode::kFileSizeTooLarge, std::string(text::message::kFileSizeTooLarge));
  const std::optional<ContentType> type = DetectContentType(upload.bytes);
  if (!type || (upload.name && NameContradicts(*upload.name, *type)))
    return Error(ErrorCode::kInvalidFileType, std::string(text::message::kInvalidFileType));

  const auto full = [&](ReadTx& tx) -> Status {
    SID_ASSIGN_OR_RETURN(int stored, tx.documents().Count(account_id));
    if (stored >= options_.max_per_account)
      return Error(ErrorCode::kLimitExceeded,
                   std::string(text::message::kDocumentLimitExceeded) + " (최대 " +
                       std::to_string(options_.max_per_account) + "개)");
    return OkStatus();
  };
  // Checked before the bytes are written (cheap refusal) and again in the row's transaction (the
  // cap holds under concurrent uploads).
  SID_TRY(store_.Read(full));

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
  // Bytes first, row second: a crash in between leaves a blob without a row (swept once old),
  // never a row without its bytes.
  SID_TRY(blobs_.Put(d.name, upload.bytes));
  Status inserted = store_.Write([&](WriteTx& tx) -> Status {
    SID_TRY(full(tx));
    return lifecycle_.Begin(tx, now).AddDocument(d);
  });
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
                       ReadValue<std::vector<Document>>(store_, [&](ReadTx& tx) {
                         return tx.documents().List(account_id, filter);
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
                       ReadValue<std::optional<Document>>(store_, [&](ReadTx& tx) {
                         return tx.documents().Find(account_id, document_id);
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
  const TimeMs now = clock_.Now();
  SID_ASSIGN_OR_RETURN(
      std::vector<Document> deleted,
      WriteValue<std::vector<Document>>(store_, [&](WriteTx& tx) -> Result<std::vector<Document>> {
        std::vector<Document> out;
        for (const std::string& id : document_ids) {
          SID_ASSIGN_OR_RETURN(std::optional<Document> d, tx.documents().Find(account_id, id));
          if (!d) return UnknownDocument();
          if (std::any_of(out.begin(), out.end(),
                          [&](const Document& o) { return o.document_id == id; }))
            continue;
          out.push_back(std::move(*d));
        }
        for (const Document& d : out)
          if (d.use)
            return Error(ErrorCode::kDocumentInUse,
                         std::string(text::message::kDocumentInUse) + " (" + d.document_id + ")");
        Changes changes = lifecycle_.Begin(tx, now);
        for (const Document& d : out) SID_TRY(changes.DeleteDocument(d));
        return out;
      }));
  // Rows first, files after the commit: a crash in between leaves stray blobs, swept once old.
  for (const Document& d : deleted) (void)blobs_.Remove(d.name);
  return deleted;
}

Result<int> DocumentsService::SweepBlobs() {
  const TimeMs before = clock_.Now() - options_.stray_blob_grace;
  SID_ASSIGN_OR_RETURN(int removed, blobs_.RemoveTemporaries(before));
  SID_ASSIGN_OR_RETURN(std::vector<StoredBlob> blobs, blobs_.List());
  for (const StoredBlob& blob : blobs) {
    // A young blob without a row may be an upload whose row is about to commit.
    if (blob.modified_at >= before) continue;
    SID_ASSIGN_OR_RETURN(bool known, ReadValue<bool>(store_, [&](ReadTx& tx) {
                           return tx.documents().NameExists(blob.name);
                         }));
    if (known) continue;
    SID_TRY(blobs_.Remove(blob.name));
    ++removed;
  }
  return removed;
}

}  // namespace senderid
