#include "store/postgres/migrations.h"

#include <string>

namespace senderid::pg {
namespace {

// Times are milliseconds since the Unix epoch (UTC), enumerations their SPEC names, binary values
// (sealed secrets, keyed hashes, document bytes) bytea. Migration 1 holds what SQLite's migrations
// 1–5 hold, plus what a shared database needs that a file beside the server did not: the documents'
// bytes (no instance keeps state of its own) and the master key's fingerprint.
constexpr const char* kMigrations[] = {
    // 1: the whole registry.
    R"sql(
CREATE TABLE registry_meta (
  singleton       boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  key_fingerprint text NOT NULL,
  date_created    bigint NOT NULL
);

-- event_sequence is the account's last event sequence: kept on the account so that pruning old
-- events never lets a number be handed out twice, and so that the UPDATE taking the next one
-- serialises the account's appends (see events.cc).
CREATE TABLE accounts (
  account_id     text PRIMARY KEY,
  name           text NOT NULL,
  limit_count    integer NOT NULL,
  state          text NOT NULL CHECK (state IN ('ACTIVE', 'INACTIVE')),
  event_sequence bigint NOT NULL DEFAULT 0,
  date_created   bigint NOT NULL,
  date_updated   bigint NOT NULL
);

CREATE TABLE api_keys (
  api_key       text PRIMARY KEY,
  account_id    text NOT NULL REFERENCES accounts (account_id),
  sealed_secret bytea NOT NULL,
  scopes        integer NOT NULL,
  state         text NOT NULL CHECK (state IN ('ACTIVE', 'INACTIVE')),
  date_created  bigint NOT NULL
);
CREATE INDEX api_keys_by_account ON api_keys (account_id);

CREATE TABLE sender_ids (
  handle_key         text PRIMARY KEY,
  account_id         text NOT NULL REFERENCES accounts (account_id),
  phone_number       text NOT NULL,
  status             text NOT NULL
                     CHECK (status IN ('PENDING', 'ACTIVE', 'INACTIVE', 'DUPLICATED', 'EXPIRED')),
  method             text CHECK (method IN ('ARS', 'DOCUMENT')),
  expire_at          bigint,
  duplicate_unlocked boolean NOT NULL DEFAULT false,
  date_created       bigint NOT NULL,
  date_updated       bigint NOT NULL,
  UNIQUE (account_id, phone_number)
);
CREATE INDEX sender_ids_by_number ON sender_ids (phone_number);
CREATE INDEX sender_ids_by_account ON sender_ids (account_id, date_created, handle_key);
CREATE INDEX sender_ids_due ON sender_ids (expire_at)
  WHERE status IN ('PENDING', 'ACTIVE', 'INACTIVE');

CREATE TABLE sender_id_logs (
  handle_key text NOT NULL REFERENCES sender_ids (handle_key) ON DELETE CASCADE,
  seq        integer NOT NULL,
  create_at  bigint NOT NULL,
  message    text NOT NULL,
  PRIMARY KEY (handle_key, seq)
);

CREATE TABLE special_numbers (
  account_id   text NOT NULL REFERENCES accounts (account_id),
  phone_number text NOT NULL,
  date_created bigint NOT NULL,
  PRIMARY KEY (account_id, phone_number)
);

-- Each row is also one placed call for the call caps, kept for the cap window even after its entry
-- is deleted (no foreign key on purpose).
CREATE TABLE mfa_transactions (
  transaction_id text PRIMARY KEY,
  account_id     text NOT NULL,
  handle_key     text NOT NULL,
  phone_number   text NOT NULL,
  code_hash      bytea NOT NULL,
  attempts_used  integer NOT NULL DEFAULT 0,
  state          text NOT NULL CHECK (state IN ('PLACING', 'OPEN', 'CONSUMED', 'VOID')),
  created_at     bigint NOT NULL,
  expires_at     bigint NOT NULL
);
CREATE INDEX mfa_by_account_number ON mfa_transactions (account_id, phone_number, created_at);
CREATE INDEX mfa_by_account ON mfa_transactions (account_id, created_at);
CREATE INDEX mfa_by_number ON mfa_transactions (phone_number, created_at);
CREATE INDEX mfa_open_by_entry ON mfa_transactions (handle_key) WHERE state = 'OPEN';
CREATE INDEX mfa_by_created ON mfa_transactions (created_at);

-- Requests outlive a deleted entry, and links outlive a deleted (released) document, for the
-- record: hence no foreign keys on handle_key and document_id.
CREATE TABLE documents (
  document_id   text PRIMARY KEY,
  account_id    text NOT NULL REFERENCES accounts (account_id),
  name          text NOT NULL UNIQUE,
  original_name text NOT NULL,
  category      text NOT NULL,
  content_type  text NOT NULL,
  size          bigint NOT NULL,
  date_created  bigint NOT NULL
);
CREATE INDEX documents_by_account ON documents (account_id, document_id);

-- The documents' bytes (the BlobStore), by the document's generated name. Written before the
-- document's row commits and removed after its delete commits, as files were: no foreign key.
-- EXTERNAL: uploads are PDF, JPEG, PNG, GIF, TIFF — already compressed, so TOAST need not try.
CREATE TABLE document_blobs (
  name         text PRIMARY KEY,
  bytes        bytea NOT NULL,
  date_created bigint NOT NULL
);
ALTER TABLE document_blobs ALTER COLUMN bytes SET STORAGE EXTERNAL;

CREATE TABLE review_requests (
  request_id           text PRIMARY KEY,
  kind                 text NOT NULL CHECK (kind IN ('approval', 'limitation', 'duplicate')),
  account_id           text NOT NULL REFERENCES accounts (account_id),
  handle_key           text NOT NULL DEFAULT '',
  phone_number         text NOT NULL DEFAULT '',
  status               text NOT NULL
                       CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED', 'CANCELLED')),
  reason               text,
  reason_code          text,
  reason_for_requested text NOT NULL DEFAULT '',
  contact_name         text NOT NULL DEFAULT '',
  limit_requested      integer NOT NULL DEFAULT 0,
  limit_before_request integer NOT NULL DEFAULT 0,
  decided_by           text,
  date_decided         bigint,
  date_created         bigint NOT NULL,
  date_updated         bigint NOT NULL
);
CREATE INDEX review_requests_by_account ON review_requests (account_id, date_created);
CREATE INDEX review_requests_by_status ON review_requests (status, date_created);

CREATE TABLE review_documents (
  request_id  text NOT NULL REFERENCES review_requests (request_id),
  document_id text NOT NULL,
  position    integer NOT NULL,
  released    boolean NOT NULL DEFAULT false,
  PRIMARY KEY (request_id, document_id)
);
CREATE INDEX review_documents_in_use ON review_documents (document_id) WHERE NOT released;

CREATE TABLE events (
  event_id     text PRIMARY KEY,
  account_id   text NOT NULL REFERENCES accounts (account_id),
  sequence     bigint NOT NULL,
  type         text NOT NULL,
  subject      text NOT NULL,
  date_created bigint NOT NULL,
  data         text NOT NULL,
  UNIQUE (account_id, sequence)
);
CREATE INDEX events_by_subject ON events (account_id, type, subject, date_created);
CREATE INDEX events_by_date ON events (date_created);

-- Spent request signatures (keyed hashes), range-partitioned by keep_until: one partition per
-- hour, attached ahead of need and dropped whole once every digest in it has expired, so that
-- forgetting them never deletes rows (no dead tuples, no vacuum debt, no DELETE storm). The key
-- includes keep_until, as it must on a partitioned table; a replay carries the same date text,
-- hence the same keep_until, so the key still catches it. See ledger.cc.
CREATE TABLE spent_signatures (
  keep_until bigint NOT NULL,
  digest     bytea NOT NULL,
  PRIMARY KEY (keep_until, digest)
) PARTITION BY RANGE (keep_until);
)sql",

    // 2: webhooks and their delivery records (SPEC §12), and the once-per-verification mark of
    // senderid.expiring — what SQLite's migration 6 adds. Secrets are sealed (bound to
    // "webhooks:<id>:<version>"); types are the patterns joined by ',' (a pattern never holds one).
    // A delivery's lease (lease_until, lease_token) is its claim by one instance's worker: claims
    // lock due rows FOR UPDATE SKIP LOCKED, and a lease that lapsed is due again (deliveries.cc).
    // Delivery ids are COLLATE "C": the listing pages by id, bytewise as on SQLite.
    R"sql(
ALTER TABLE sender_ids ADD COLUMN expiry_noticed boolean NOT NULL DEFAULT false;
-- The sweeper seeks the verified entries still to be told of their expiry.
CREATE INDEX sender_ids_notice ON sender_ids (expire_at)
  WHERE NOT expiry_noticed AND status IN ('ACTIVE', 'INACTIVE');

CREATE TABLE webhooks (
  webhook_id             text PRIMARY KEY,
  account_id             text NOT NULL REFERENCES accounts (account_id),
  url                    text NOT NULL,
  types                  text NOT NULL,
  description            text,
  status                 text NOT NULL CHECK (status IN ('ENABLED', 'DISABLED')),
  disabled_reason        text CHECK (disabled_reason IN ('GONE', 'FAILING', 'CUSTOMER')),
  secret_version         bigint NOT NULL,
  sealed_secret          bytea NOT NULL,
  sealed_previous_secret bytea,
  previous_secret_until  bigint,
  failing_since          bigint,
  date_created           bigint NOT NULL,
  date_updated           bigint NOT NULL
);
CREATE INDEX webhooks_by_account ON webhooks (account_id, date_created);

CREATE TABLE deliveries (
  delivery_id     text COLLATE "C" PRIMARY KEY,
  webhook_id      text NOT NULL REFERENCES webhooks (webhook_id) ON DELETE CASCADE,
  account_id      text NOT NULL,
  event_id        text NOT NULL,
  event_type      text NOT NULL,
  status          text NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
  attempt         integer NOT NULL DEFAULT 0,
  run_attempts    integer NOT NULL DEFAULT 0,
  response_status integer,
  error           text,
  duration_ms     bigint,
  next_attempt_at bigint,
  lease_until     bigint,
  lease_token     text NOT NULL DEFAULT '',
  date_created    bigint NOT NULL,
  date_updated    bigint NOT NULL,
  UNIQUE (webhook_id, event_id)
);
-- The workers' queue: what is due, in order.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'PENDING';
-- The per-webhook cap counts the leases still held (completed attempts clear theirs).
CREATE INDEX deliveries_leased ON deliveries (webhook_id, lease_until)
  WHERE lease_until IS NOT NULL;
-- A webhook's records newest first (endpoint 20).
CREATE INDEX deliveries_by_webhook ON deliveries (webhook_id, delivery_id);
-- Retention deletes the oldest records at once.
CREATE INDEX deliveries_by_date ON deliveries (date_created);
)sql",

    // 3: operators (SPEC §13), as SQLite's migration 7: accounts with Argon2id password hashes,
    // sessions and bearer tokens kept only as keyed hashes (shared by every instance), sign-in
    // attempts for the lockout, the append-only audit log, and the operators' claims on review
    // requests.
    R"sql(
CREATE TABLE operators (
  name          text PRIMARY KEY,
  role          text NOT NULL CHECK (role IN ('reviewer', 'admin')),
  password_hash text NOT NULL,
  state         text NOT NULL CHECK (state IN ('ACTIVE', 'DISABLED')),
  date_created  bigint NOT NULL,
  date_updated  bigint NOT NULL
);

CREATE TABLE operator_sessions (
  token_hash    bytea PRIMARY KEY,
  operator_name text NOT NULL REFERENCES operators (name),
  created_at    bigint NOT NULL,
  last_seen_at  bigint NOT NULL
);
CREATE INDEX operator_sessions_by_operator ON operator_sessions (operator_name);
CREATE INDEX operator_sessions_by_last_seen ON operator_sessions (last_seen_at);
CREATE INDEX operator_sessions_by_created ON operator_sessions (created_at);

CREATE TABLE operator_tokens (
  token_hash    bytea PRIMARY KEY,
  operator_name text NOT NULL REFERENCES operators (name),
  created_at    bigint NOT NULL
);
CREATE INDEX operator_tokens_by_operator ON operator_tokens (operator_name);

-- Names need not be operators' (a wrong name counts too): no foreign key. The lockout reads these
-- rows in the serialisable transaction that adds one, so racing sign-ins cannot pass the limit.
CREATE TABLE login_attempts (
  attempt_id text PRIMARY KEY,
  name       text NOT NULL,
  source     text NOT NULL,
  at         bigint NOT NULL
);
CREATE INDEX login_attempts_by_name ON login_attempts (name, at);
CREATE INDEX login_attempts_by_source ON login_attempts (source, at);
CREATE INDEX login_attempts_by_time ON login_attempts (at);

-- Append-only: nothing in senderid updates or deletes a row; the triggers make sure. seq orders
-- entries of the same millisecond by append (ids are random), as SQLite's rowid does.
CREATE TABLE audit_log (
  seq            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  audit_id       text PRIMARY KEY,
  operator_name  text NOT NULL,
  action         text NOT NULL,
  target         text NOT NULL,
  reason         text,
  source_address text NOT NULL,
  date_created   bigint NOT NULL
);
CREATE INDEX audit_log_by_date ON audit_log (date_created, seq);
CREATE INDEX audit_log_by_operator ON audit_log (operator_name, date_created, seq);
CREATE INDEX audit_log_by_target ON audit_log (target, date_created, seq);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END
$$;
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

ALTER TABLE review_requests ADD COLUMN claimed_by text;
ALTER TABLE review_requests ADD COLUMN claimed_until bigint;
)sql",
};

constexpr int kLatest = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);

Error Refused(std::string message) {
  return Error(ErrorCode::kValidationError, std::move(message));
}

// The schema's version, 0 when it has none (no schema_migrations table yet).
Result<int> Version(Connection& conn, Deadline deadline) {
  SID_ASSIGN_OR_RETURN(
      Rows exists,
      conn.Query("SELECT to_regclass('schema_migrations') IS NOT NULL", Params(), deadline));
  if (!exists.Bool(0, 0)) return 0;
  SID_ASSIGN_OR_RETURN(Rows r, conn.Query("SELECT coalesce(max(version), 0) FROM schema_migrations",
                                          Params(), deadline));
  return static_cast<int>(r.Int(0, 0));
}

Error NewerSchema(int version) {
  return Refused("the database schema is version " + std::to_string(version) +
                 ", newer than this senderid knows (" + std::to_string(kLatest) +
                 "): upgrade senderid");
}

// Inside the caller's transaction, holding the migration lock.
Result<SchemaState> MigrateLocked(Connection& conn, SchemaMode mode, const std::string& fingerprint,
                                  Deadline deadline) {
  SchemaState state;
  SID_ASSIGN_OR_RETURN(state.version, Version(conn, deadline));
  if (state.version > kLatest) return NewerSchema(state.version);
  if (state.version > 0 && state.version < kLatest && mode == SchemaMode::kRequireCurrent)
    return Refused("the database schema is version " + std::to_string(state.version) +
                   ", older than this senderid (" + std::to_string(kLatest) +
                   "): run `senderid migrate`");
  if (state.version == 0) {
    SID_TRY(
        conn.Script("CREATE TABLE schema_migrations (version integer PRIMARY KEY, "
                    "date_applied bigint NOT NULL)",
                    deadline));
  }
  const bool fresh = state.version == 0;
  for (int v = state.version; v < kLatest; ++v) {
    SID_TRY(conn.Script(kMigrations[v], deadline));
    SID_TRY(
        conn.Query("INSERT INTO schema_migrations (version, date_applied) VALUES "
                   "($1, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)",
                   Params().Int(v + 1), deadline));
    ++state.applied;
  }
  state.version = kLatest;
  if (fresh) {
    SID_TRY(
        conn.Query("INSERT INTO registry_meta (key_fingerprint, date_created) VALUES "
                   "($1, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)",
                   Params().Text(fingerprint), deadline));
  }
  SID_ASSIGN_OR_RETURN(Rows stored,
                       conn.Query("SELECT key_fingerprint FROM registry_meta", Params(), deadline));
  if (stored.size() != 1)
    return Refused("the database has a senderid schema but no master key fingerprint");
  if (stored.Text(0, 0) != fingerprint)
    return Refused(
        "the master key does not match the one this database was created with: every instance "
        "must use the same --master-key-file");
  return state;
}

}  // namespace

int LatestSchemaVersion() { return kLatest; }

Result<SchemaState> OpenSchema(Connection& conn, SchemaMode mode, const std::string& fingerprint,
                               Deadline deadline) {
  // READ COMMITTED: after the lock, each statement sees what the previous holder committed.
  conn.Defer("BEGIN");
  Result<Rows> locked = conn.Query(
      "SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || '/senderid-migrate', 0))",
      Params(), deadline);
  Result<SchemaState> state = locked.ok() ? MigrateLocked(conn, mode, fingerprint, deadline)
                                          : Result<SchemaState>(std::move(locked).error());
  const char* end = state.ok() ? "COMMIT" : "ROLLBACK";
  Result<Rows> ended = conn.QueryText(end, Params(), deadline);
  if (!state.ok()) return state;
  if (!ended.ok()) return std::move(ended).error();
  return state;
}

Status CheckSchema(Connection& conn, Deadline deadline) {
  SID_ASSIGN_OR_RETURN(int version, Version(conn, deadline));
  if (version == kLatest) return OkStatus();
  return Error(ErrorCode::kServiceUnavailable, "the database schema is version " +
                                                   std::to_string(version) + ", not " +
                                                   std::to_string(kLatest));
}

}  // namespace senderid::pg
