#pragma once
// The PostgreSQL schema: numbered, additive migrations, applied in one transaction under an
// advisory lock (instances starting together migrate once: the others wait on the lock, then find
// the schema current), and the master key's fingerprint, which the first migration stores.
//
// Everything is created in the connection's current schema (the first of its search_path), so a
// registry may live in a schema of its own (`?options=-csearch_path%3Dsenderid` in the URL); the
// advisory locks are keyed by that schema.

#include <string>

#include "core/error.h"
#include "store/postgres/connection.h"

namespace senderid::pg {

// What opening the schema may do.
enum class SchemaMode {
  kMigrate,         // serve, `senderid migrate`: create or bring up to date
  kRequireCurrent,  // every other command: create an empty schema, refuse an older one
};

struct SchemaState {
  int version = 0;  // after the call
  int applied = 0;  // migrations this call applied
};

// The version this binary knows (its newest migration).
int LatestSchemaVersion();

// Brings the schema to LatestSchemaVersion() as `mode` allows and checks `key_fingerprint`
// against the one stored by the first migration (storing it when this call creates the schema).
// Errors: kServiceUnavailable when the database cannot be reached or failed (retry later);
// kValidationError, with one line for the operator, when retrying cannot help: the schema is newer
// than this binary, older and `mode` is kRequireCurrent ("run `senderid migrate`"), or the stored
// fingerprint is another key's.
Result<SchemaState> OpenSchema(Connection& conn, SchemaMode mode,
                               const std::string& key_fingerprint, Deadline deadline);

// Whether the schema is at LatestSchemaVersion(): one cheap statement, for readiness checks.
// kServiceUnavailable (with the reason) otherwise.
Status CheckSchema(Connection& conn, Deadline deadline);

}  // namespace senderid::pg
