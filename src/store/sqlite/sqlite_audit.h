#pragma once
// AuditRepository over one SQLite connection inside an open transaction (SqliteTx owns it): the
// append-only audit_log table of migration 7, whose triggers refuse any UPDATE or DELETE. Not
// thread-safe: used on the transaction's thread only. Errors as StoreError maps them.

#include "core/ports/audit_repository.h"
#include "store/sqlite/connection.h"

namespace senderid::sqlite {

class SqliteAudit final : public AuditRepository {
 public:
  explicit SqliteAudit(Connection& conn) : conn_(conn) {}

  Result<std::vector<AuditEntry>> List(const AuditFilter& filter) override;
  Status Append(const AuditEntry& entry) override;

 private:
  Connection& conn_;
};

}  // namespace senderid::sqlite
