#pragma once
// The schema as numbered migrations. Each runs once, in order, inside a transaction; PRAGMA
// user_version records the last one applied. Never edit a released migration: add the next.

#include <functional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "store/sqlite/connection.h"

namespace senderid::sqlite {

// Brings the database up to the newest schema. Safe to call from several processes at once.
Status Migrate(Connection& conn);

// Spent request signatures live in a database file of their own, attached to the writer as
// `replay`: every signed request writes one, and a commit to the main file would make every reader
// connection drop its page cache; the registry's own data changes far less often.
// Creates the file (mode 0600) when missing.
Status PrepareReplayDatabase(Connection& conn, const std::string& path, bool synchronous_full);

// What the ledger keeps of a signature written by an older senderid (lowercase hex).
using LegacySignatureDigest = std::function<std::string(std::string_view signature)>;

// Older versions kept spent signatures as text in replay.used_signatures. If that table is there,
// moves its rows into spent_signatures as (keep_until, digest(signature)) — or, with no `digest`,
// forgets them — and drops it, in one transaction, so that no signature stays in the file. Needs
// PrepareReplayDatabase first. Safe to call from several processes at once.
Status UpgradeLegacySignatures(Connection& conn, const LegacySignatureDigest& digest);

}  // namespace senderid::sqlite
