#pragma once
// The schema as numbered migrations. Each runs once, in order, inside a transaction; PRAGMA
// user_version records the last one applied. Never edit a released migration: add the next.

#include <string>

#include "core/error.h"
#include "store/sqlite/connection.h"

namespace senderid::sqlite {

// Brings the database up to the newest schema. Safe to call from several processes at once.
Status Migrate(Connection& conn);

// Spent request signatures live in a database file of their own, attached to the writer as
// `replay`: every signed request writes one, and a commit to the main file would make every reader
// connection drop its page cache; the registry's own data changes far less often.
Status PrepareReplayDatabase(Connection& conn, const std::string& path, bool synchronous_full);

}  // namespace senderid::sqlite
