#pragma once
// The audit log (SPEC §13): append-only, kept for ever; written in the transaction of the change
// it records (core/audit.h), inside a store transaction (see store.h).

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/operators.h"

namespace senderid {

// Which entries a listing wants; empty fields do not filter.
struct AuditFilter {
  std::string operator_name;
  std::string target;
  std::string action;
  // Inclusive: the listing starts at this entry (newest first). An unknown id lists nothing.
  std::string start_key;
  int limit = 50;  // at most this many (≥ 1)
};

class AuditReader {
 public:
  virtual ~AuditReader() = default;
  // Entries matching `filter`, newest first (date_created descending, then the later append first).
  virtual Result<std::vector<AuditEntry>> List(const AuditFilter& filter) = 0;
};

class AuditRepository : public AuditReader {
 public:
  // kAlreadyExists when the id is taken. There is no update and no delete.
  virtual Status Append(const AuditEntry& entry) = 0;
};

}  // namespace senderid
