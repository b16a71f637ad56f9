#include <utility>

#include "store/postgres/repositories.h"

namespace senderid::pg {

Result<std::vector<AuditEntry>> PgAudit::List(const AuditFilter& f) {
  // Newest first: by date, then the later append (seq) first, as ids are random within a
  // millisecond. A page starts at $4 (inclusive; an unknown id makes the row comparison NULL, so
  // nothing is listed). The indexes by date, operator and target each end in (date_created, seq).
  SID_ASSIGN_OR_RETURN(
      Rows r,
      s_.Query("SELECT audit_id, operator_name, action, target, reason, source_address, "
               "date_created FROM audit_log WHERE ($1::text = '' OR operator_name = $1) AND "
               "($2::text = '' OR target = $2) AND ($3::text = '' OR action = $3) AND "
               "($4::text = '' OR (date_created, seq) <= (SELECT date_created, seq FROM audit_log "
               "WHERE audit_id = $4)) ORDER BY date_created DESC, seq DESC LIMIT $5",
               Params()
                   .Text(f.operator_name)
                   .Text(f.target)
                   .Text(f.action)
                   .Text(f.start_key)
                   .Int(f.limit)));
  std::vector<AuditEntry> out;
  out.reserve(static_cast<size_t>(r.size()));
  for (int i = 0; i < r.size(); ++i) {
    AuditEntry e;
    e.audit_id = r.Text(i, 0);
    e.operator_name = r.Text(i, 1);
    e.action = r.Text(i, 2);
    e.target = r.Text(i, 3);
    e.reason = r.OptionalText(i, 4);
    e.source_address = r.Text(i, 5);
    e.date_created = r.Int(i, 6);
    out.push_back(std::move(e));
  }
  return out;
}

Status PgAudit::Append(const AuditEntry& e) {
  SID_ASSIGN_OR_RETURN(
      Rows r, s_.Query("INSERT INTO audit_log (audit_id, operator_name, action, target, reason, "
                       "source_address, date_created) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                       "ON CONFLICT DO NOTHING",
                       Params()
                           .Text(e.audit_id)
                           .Text(e.operator_name)
                           .Text(e.action)
                           .Text(e.target)
                           .OptionalText(e.reason)
                           .Text(e.source_address)
                           .Int(e.date_created)));
  if (r.affected() == 0) return Error(ErrorCode::kAlreadyExists, "audit entry exists: " + e.audit_id);
  return OkStatus();
}

}  // namespace senderid::pg
