#include "store/sqlite/sqlite_signatures.h"

namespace senderid::sqlite {

Result<bool> SqliteSignatures::Spend(std::string_view digest, TimeMs keep_until) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("INSERT INTO replay.spent_signatures (keep_until, digest) "
                                     "VALUES (?, ?) ON CONFLICT DO NOTHING"));
  // Sound only because keep_until is a function of the signed date text (see the table).
  st.Bind(1, keep_until).BindBlob(2, digest);
  SID_ASSIGN_OR_RETURN(int changed, st.Run());
  return changed == 1;
}

Result<int> SqliteSignatures::Prune(TimeMs now) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn_.Prepare("DELETE FROM replay.spent_signatures WHERE keep_until < ?"));
  st.Bind(1, now);
  return st.Run();
}

Result<std::vector<std::pair<std::string, TimeMs>>> SqliteSignatures::Unexpired(TimeMs now) {
  SID_ASSIGN_OR_RETURN(
      Statement st,
      conn_.Prepare("SELECT digest, keep_until FROM replay.spent_signatures WHERE keep_until >= ?"));
  st.Bind(1, now);
  return st.Collect([](const Statement& row) { return std::make_pair(row.Blob(0), row.Int(1)); });
}

}  // namespace senderid::sqlite
