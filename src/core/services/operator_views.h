#pragma once
// What operators look at (SPEC §13): a number across every account, a document's bytes, and the
// audit log. Looking at personal data is itself audited (number.lookup, document.view): the entry
// is committed before the data is returned, so nothing is shown that was not recorded.
// Thread-safe.

#include <string>
#include <string_view>

#include "core/admin_values.h"
#include "core/error.h"
#include "core/operators.h"
#include "core/ports/audit_repository.h"
#include "core/ports/blob_store.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"
#include "core/ports/store.h"
#include "core/values.h"

namespace senderid {

class OperatorViews {
 public:
  OperatorViews(Store& store, BlobStore& blobs, const Clock& clock, Random& random);

  // Every account's entry for the number (separators stripped); none → no entries.
  // kValidationError when the text has no digits at all.
  Result<NumberLookup> LookupNumber(std::string_view phone_number, const Actor& actor);
  // The document of any account with its bytes; kNotFound for an unknown id.
  Result<DocumentFile> DocumentBytes(std::string_view document_id, const Actor& actor);
  // Newest first; filter.limit 1–1000. kValidationError for an unknown start key.
  Result<Page<AuditEntry>> Audit(AuditFilter filter);

 private:
  Store& store_;
  BlobStore& blobs_;
  const Clock& clock_;
  Random& random_;
};

}  // namespace senderid
