#pragma once
// The schema as numbered migrations. Each runs once, in order, inside a transaction; PRAGMA
// user_version records the last one applied. Never edit a released migration: add the next.

#include "core/error.h"
#include "store/sqlite/connection.h"

namespace senderid::sqlite {

// Brings the database up to the newest schema. Safe to call from several processes at once.
Status Migrate(Connection& conn);

}  // namespace senderid::sqlite
