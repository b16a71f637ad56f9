#include "core/services/operator_views.h"

#include <optional>
#include <utility>
#include <vector>

#include "core/audit.h"
#include "core/catalogue.h"
#include "core/lifecycle/queries.h"

namespace senderid {
namespace {

// Digits of the input with separators (anything but digits) dropped; empty when there are none.
std::string Digits(std::string_view text) {
  std::string out;
  for (const char c : text)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

}  // namespace

OperatorViews::OperatorViews(Store& store, BlobStore& blobs, const Clock& clock, Random& random)
    : store_(store), blobs_(blobs), clock_(clock), random_(random) {}

Result<NumberLookup> OperatorViews::LookupNumber(std::string_view phone_number,
                                                 const Actor& actor) {
  NumberLookup out;
  out.phone_number = Digits(phone_number);
  if (out.phone_number.empty() || out.phone_number.size() > 20)
    return Error(ErrorCode::kValidationError, std::string(text::invalid::kPhoneFilter));
  const TimeMs now = clock_.Now();
  return WriteValue<NumberLookup>(store_, [&](WriteTx& tx) -> Result<NumberLookup> {
    NumberLookup found;
    found.phone_number = out.phone_number;
    SID_ASSIGN_OR_RETURN(std::vector<SenderId> bare, tx.numbers().ListByNumber(found.phone_number));
    for (const SenderId& b : bare) {
      SID_ASSIGN_OR_RETURN(std::optional<SenderId> entry,
                           tx.numbers().Find(b.account_id, b.phone_number));
      if (!entry) continue;
      SID_ASSIGN_OR_RETURN(std::optional<Account> account, tx.accounts().Find(b.account_id));
      entry->status = EffectiveStatus(*entry, now);
      found.entries.push_back(NumberEntry{account ? account->name : std::string(), std::move(*entry)});
    }
    SID_TRY(audit::Record(tx, random_, now, actor, audit::kNumberLookup, found.phone_number));
    return found;
  });
}

Result<DocumentFile> OperatorViews::DocumentBytes(std::string_view document_id, const Actor& actor) {
  const TimeMs now = clock_.Now();
  SID_ASSIGN_OR_RETURN(senderid::Document d,
                       WriteValue<senderid::Document>(store_, [&](WriteTx& tx)
                                                                  -> Result<senderid::Document> {
                         SID_ASSIGN_OR_RETURN(std::optional<senderid::Document> found,
                                              tx.documents().FindAny(document_id));
                         if (!found)
                           return Error(ErrorCode::kNotFound,
                                        "no document " + std::string(document_id));
                         SID_TRY(audit::Record(tx, random_, now, actor, audit::kDocumentView,
                                               found->document_id,
                                               "account " + found->account_id));
                         return std::move(*found);
                       }));
  Result<std::string> bytes = blobs_.Get(d.name);
  if (!bytes.ok())
    return Error(ErrorCode::kInternalError,
                 "document " + d.document_id + " has no bytes: " + bytes.error().message);
  return DocumentFile{std::move(d), std::move(bytes).value()};
}

Result<Page<AuditEntry>> OperatorViews::Audit(AuditFilter filter) {
  const int wanted = filter.limit;
  filter.limit = wanted + 1;
  return ReadValue<Page<AuditEntry>>(store_, [&](ReadTx& tx) -> Result<Page<AuditEntry>> {
    SID_ASSIGN_OR_RETURN(std::vector<AuditEntry> entries, tx.audit().List(filter));
    if (!filter.start_key.empty() && entries.empty()) {
      AuditFilter exists;
      exists.start_key = filter.start_key;
      exists.limit = 1;
      SID_ASSIGN_OR_RETURN(std::vector<AuditEntry> any, tx.audit().List(exists));
      if (any.empty())
        return Error(ErrorCode::kValidationError, std::string(text::admin::kStartKeyUnknown));
    }
    Page<AuditEntry> page;
    if (entries.size() > static_cast<size_t>(wanted)) {
      page.next_key = entries.back().audit_id;
      entries.pop_back();
    }
    page.data = std::move(entries);
    return page;
  });
}

}  // namespace senderid
