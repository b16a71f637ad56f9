#include "core/audit.h"

#include <utility>

#include "core/ids.h"

namespace senderid::audit {

Status Record(WriteTx& tx, Random& random, TimeMs now, const Actor& actor, std::string_view action,
              std::string target, std::optional<std::string> reason) {
  AuditEntry entry;
  entry.audit_id = NewId(kIdPrefix, now, random);
  entry.operator_name = actor.name;
  entry.action = std::string(action);
  entry.target = std::move(target);
  entry.reason = std::move(reason);
  entry.source_address = actor.source;
  entry.date_created = now;
  return tx.audit().Append(entry);
}

}  // namespace senderid::audit
