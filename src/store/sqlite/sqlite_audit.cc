#include "store/sqlite/sqlite_audit.h"

#include <string>

namespace senderid::sqlite {
namespace {

AuditEntry ReadAuditRow(const Statement& st) {
  AuditEntry e;
  e.audit_id = st.Text(0);
  e.operator_name = st.Text(1);
  e.action = st.Text(2);
  e.target = st.Text(3);
  e.reason = st.OptionalText(4);
  e.source_address = st.Text(5);
  e.date_created = st.Int(6);
  return e;
}

}  // namespace

Result<std::vector<AuditEntry>> SqliteAudit::List(const AuditFilter& f) {
  // Newest first: by date, then the later append (rowid) first, as ids are random within a second.
  // A page starts at ?4 (inclusive). The indexes by date, operator and target each end in
  // (date_created, rowid), so every filter walks one index backwards.
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("SELECT audit_id, operator_name, action, target, reason, source_address, "
                    "date_created FROM audit_log WHERE (?1 = '' OR operator_name = ?1) AND "
                    "(?2 = '' OR target = ?2) AND (?3 = '' OR action = ?3) AND (?4 = '' OR "
                    "(date_created, rowid) <= (SELECT date_created, rowid FROM audit_log "
                    "WHERE audit_id = ?4)) ORDER BY date_created DESC, rowid DESC LIMIT ?5"));
  st.Bind(1, f.operator_name).Bind(2, f.target).Bind(3, f.action).Bind(4, f.start_key);
  st.Bind(5, static_cast<int64_t>(f.limit));
  return st.Collect(ReadAuditRow);
}

Status SqliteAudit::Append(const AuditEntry& e) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("INSERT INTO audit_log (audit_id, operator_name, action, target, reason, "
                    "source_address, date_created) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  st.Bind(1, e.audit_id).Bind(2, e.operator_name).Bind(3, e.action).Bind(4, e.target);
  if (e.reason) st.Bind(5, *e.reason); else st.BindNull(5);
  st.Bind(6, e.source_address).Bind(7, e.date_created);
  SID_TRY(st.Run());
  return OkStatus();
}

}  // namespace senderid::sqlite
