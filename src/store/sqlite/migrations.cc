#include "store/sqlite/migrations.h"

#include <memory>
#include <string>

namespace senderid::sqlite {
namespace {

// Times are milliseconds since the Unix epoch (UTC). Enumerations are stored by their SPEC names.
constexpr const char* kMigrations[] = {
    // 1: accounts, keys, sender numbers with their logs, spent signatures, special-number overrides.
    R"sql(
CREATE TABLE accounts (
  account_id   TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  limit_count  INTEGER NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('ACTIVE', 'INACTIVE')),
  date_created INTEGER NOT NULL,
  date_updated INTEGER NOT NULL
) STRICT;

CREATE TABLE api_keys (
  api_key       TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts (account_id),
  sealed_secret BLOB NOT NULL,
  scopes        INTEGER NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('ACTIVE', 'INACTIVE')),
  date_created  INTEGER NOT NULL
) STRICT;
CREATE INDEX api_keys_by_account ON api_keys (account_id);

CREATE TABLE sender_ids (
  handle_key         TEXT PRIMARY KEY,
  account_id         TEXT NOT NULL REFERENCES accounts (account_id),
  phone_number       TEXT NOT NULL,
  status             TEXT NOT NULL
                     CHECK (status IN ('PENDING', 'ACTIVE', 'INACTIVE', 'DUPLICATED', 'EXPIRED')),
  method             TEXT CHECK (method IN ('ARS', 'DOCUMENT')),
  expire_at          INTEGER,
  duplicate_unlocked INTEGER NOT NULL DEFAULT 0,
  date_created       INTEGER NOT NULL,
  date_updated       INTEGER NOT NULL,
  UNIQUE (account_id, phone_number)
) STRICT;
CREATE INDEX sender_ids_by_number ON sender_ids (phone_number);
CREATE INDEX sender_ids_by_account ON sender_ids (account_id, date_created, handle_key);
CREATE INDEX sender_ids_due ON sender_ids (expire_at)
  WHERE status IN ('PENDING', 'ACTIVE', 'INACTIVE');

CREATE TABLE sender_id_logs (
  handle_key TEXT NOT NULL REFERENCES sender_ids (handle_key) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,
  create_at  INTEGER NOT NULL,
  message    TEXT NOT NULL,
  PRIMARY KEY (handle_key, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE special_numbers (
  account_id   TEXT NOT NULL REFERENCES accounts (account_id),
  phone_number TEXT NOT NULL,
  date_created INTEGER NOT NULL,
  PRIMARY KEY (account_id, phone_number)
) STRICT, WITHOUT ROWID;
)sql",

    // 2: ARS verification transactions; each row is also one placed call for the call caps, so rows
    // are kept for the cap window even after their entry is deleted (no foreign key on purpose).
    R"sql(
CREATE TABLE mfa_transactions (
  transaction_id TEXT PRIMARY KEY,
  account_id     TEXT NOT NULL,
  handle_key     TEXT NOT NULL,
  phone_number   TEXT NOT NULL,
  code_hash      BLOB NOT NULL,
  attempts_used  INTEGER NOT NULL DEFAULT 0,
  state          TEXT NOT NULL CHECK (state IN ('PLACING', 'OPEN', 'CONSUMED', 'VOID')),
  created_at     INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX mfa_by_account_number ON mfa_transactions (account_id, phone_number, created_at);
CREATE INDEX mfa_by_account ON mfa_transactions (account_id, created_at);
CREATE INDEX mfa_by_number ON mfa_transactions (phone_number, created_at);
CREATE INDEX mfa_open_by_entry ON mfa_transactions (handle_key) WHERE state = 'OPEN';
)sql",

    // 3: evidence documents and the review requests (approval, limitation, duplicate unlock) that
    // operators decide. Requests outlive a deleted entry, and links outlive a deleted (released)
    // document, for the record: hence no foreign keys on handle_key and document_id.
    R"sql(
CREATE TABLE documents (
  document_id   TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts (account_id),
  name          TEXT NOT NULL UNIQUE,
  original_name TEXT NOT NULL,
  category      TEXT NOT NULL,
  content_type  TEXT NOT NULL,
  size          INTEGER NOT NULL,
  date_created  INTEGER NOT NULL
) STRICT;
CREATE INDEX documents_by_account ON documents (account_id, document_id);

CREATE TABLE review_requests (
  request_id           TEXT PRIMARY KEY,
  kind                 TEXT NOT NULL CHECK (kind IN ('approval', 'limitation', 'duplicate')),
  account_id           TEXT NOT NULL REFERENCES accounts (account_id),
  handle_key           TEXT NOT NULL DEFAULT '',
  phone_number         TEXT NOT NULL DEFAULT '',
  status               TEXT NOT NULL
                       CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED', 'CANCELLED')),
  reason               TEXT,
  reason_for_requested TEXT NOT NULL DEFAULT '',
  contact_name         TEXT NOT NULL DEFAULT '',
  limit_requested      INTEGER NOT NULL DEFAULT 0,
  limit_before_request INTEGER NOT NULL DEFAULT 0,
  decided_by           TEXT,
  date_decided         INTEGER,
  date_created         INTEGER NOT NULL,
  date_updated         INTEGER NOT NULL
) STRICT;
CREATE INDEX review_requests_by_account ON review_requests (account_id, date_created);
CREATE INDEX review_requests_by_status ON review_requests (status, date_created);

CREATE TABLE review_documents (
  request_id  TEXT NOT NULL REFERENCES review_requests (request_id),
  document_id TEXT NOT NULL,
  position    INTEGER NOT NULL,
  released    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (request_id, document_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX review_documents_in_use ON review_documents (document_id) WHERE released = 0;
)sql",

    // 4: the event log (SPEC §12). accounts.event_sequence is the account's last assigned sequence:
    // kept on the account rather than read as max(sequence) of its events so that pruning old
    // events never lets a sequence be handed out twice, and so that the UPDATE that takes the next
    // one also serialises the account's appends.
    R"sql(
ALTER TABLE accounts ADD COLUMN event_sequence INTEGER NOT NULL DEFAULT 0;

CREATE TABLE events (
  event_id     TEXT PRIMARY KEY,
  account_id   TEXT NOT NULL REFERENCES accounts (account_id),
  sequence     INTEGER NOT NULL,
  type         TEXT NOT NULL,
  subject      TEXT NOT NULL,
  date_created INTEGER NOT NULL,
  data         TEXT NOT NULL,
  UNIQUE (account_id, sequence)
) STRICT;
-- The UNIQUE index serves listings (an account's events after a sequence); this one serves the
-- rate limits counted on events (times of one type about one subject since a moment), seeking
-- straight to the range instead of reading the account's whole log.
CREATE INDEX events_by_subject ON events (account_id, type, subject, date_created);
-- Retention deletes the oldest events of every account at once.
CREATE INDEX events_by_date ON events (date_created);
)sql",

    // 5: why an operator rejected a request (SPEC §13 reason codes).
    R"sql(
ALTER TABLE review_requests ADD COLUMN reason_code TEXT;
)sql",

    // 6: webhooks and their delivery records (SPEC §12), and the once-per-verification mark of
    // senderid.expiring. Secrets are sealed (XChaCha20-Poly1305 under the master key, bound to
    // "webhooks:<id>:<version>"). Types are the patterns joined by ',' (a pattern never holds one).
    // A delivery's lease (lease_until, lease_token) is its claim by the delivery worker.
    R"sql(
ALTER TABLE sender_ids ADD COLUMN expiry_noticed INTEGER NOT NULL DEFAULT 0;
-- The sweeper seeks the verified entries still to be told of their expiry.
CREATE INDEX sender_ids_notice ON sender_ids (expire_at)
  WHERE expiry_noticed = 0 AND status IN ('ACTIVE', 'INACTIVE');

CREATE TABLE webhooks (
  webhook_id             TEXT PRIMARY KEY,
  account_id             TEXT NOT NULL REFERENCES accounts (account_id),
  url                    TEXT NOT NULL,
  types                  TEXT NOT NULL,
  description            TEXT,
  status                 TEXT NOT NULL CHECK (status IN ('ENABLED', 'DISABLED')),
  disabled_reason        TEXT CHECK (disabled_reason IN ('GONE', 'FAILING', 'CUSTOMER')),
  secret_version         INTEGER NOT NULL,
  sealed_secret          BLOB NOT NULL,
  sealed_previous_secret BLOB,
  previous_secret_until  INTEGER,
  failing_since          INTEGER,
  date_created           INTEGER NOT NULL,
  date_updated           INTEGER NOT NULL
) STRICT;
CREATE INDEX webhooks_by_account ON webhooks (account_id, date_created);

CREATE TABLE deliveries (
  delivery_id     TEXT PRIMARY KEY,
  webhook_id      TEXT NOT NULL REFERENCES webhooks (webhook_id) ON DELETE CASCADE,
  account_id      TEXT NOT NULL,
  event_id        TEXT NOT NULL,
  event_type      TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
  attempt         INTEGER NOT NULL DEFAULT 0,
  run_attempts    INTEGER NOT NULL DEFAULT 0,
  response_status INTEGER,
  error           TEXT,
  duration_ms     INTEGER,
  next_attempt_at INTEGER,
  lease_until     INTEGER,
  lease_token     TEXT NOT NULL DEFAULT '',
  date_created    INTEGER NOT NULL,
  date_updated    INTEGER NOT NULL,
  UNIQUE (webhook_id, event_id)
) STRICT;
-- The worker's queue: what is due, in order.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'PENDING';
-- The per-webhook cap counts the leases still held (completed attempts clear theirs).
CREATE INDEX deliveries_leased ON deliveries (webhook_id, lease_until)
  WHERE lease_until IS NOT NULL;
-- A webhook's records newest first (endpoint 20).
CREATE INDEX deliveries_by_webhook ON deliveries (webhook_id, delivery_id);
-- Retention deletes the oldest records at once.
CREATE INDEX deliveries_by_date ON deliveries (date_created);
)sql",

    // 7: operators (SPEC §13): accounts with Argon2id password hashes, sessions and bearer tokens
    // kept only as keyed hashes, sign-in attempts for the lockout, the append-only audit log, and
    // the operators' claims on review requests.
    R"sql(
CREATE TABLE operators (
  name          TEXT PRIMARY KEY,
  role          TEXT NOT NULL CHECK (role IN ('reviewer', 'admin')),
  password_hash TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('ACTIVE', 'DISABLED')),
  date_created  INTEGER NOT NULL,
  date_updated  INTEGER NOT NULL
) STRICT;

CREATE TABLE operator_sessions (
  token_hash    BLOB PRIMARY KEY,
  operator_name TEXT NOT NULL REFERENCES operators (name),
  created_at    INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX operator_sessions_by_operator ON operator_sessions (operator_name);

CREATE TABLE operator_tokens (
  token_hash    BLOB PRIMARY KEY,
  operator_name TEXT NOT NULL REFERENCES operators (name),
  created_at    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX operator_tokens_by_operator ON operator_tokens (operator_name);

-- Names need not be operators' (a wrong name counts too): no foreign key.
CREATE TABLE login_attempts (
  attempt_id TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  source     TEXT NOT NULL,
  at         INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX login_attempts_by_name ON login_attempts (name, at);
CREATE INDEX login_attempts_by_source ON login_attempts (source, at);
CREATE INDEX login_attempts_by_time ON login_attempts (at);

-- Append-only: nothing in senderid updates or deletes a row; the triggers make sure.
CREATE TABLE audit_log (
  audit_id       TEXT PRIMARY KEY,
  operator_name  TEXT NOT NULL,
  action         TEXT NOT NULL,
  target         TEXT NOT NULL,
  reason         TEXT,
  source_address TEXT NOT NULL,
  date_created   INTEGER NOT NULL
) STRICT;
-- Each index ends in the implicit rowid: (…, date_created, rowid) is the listing's order.
CREATE INDEX audit_log_by_date ON audit_log (date_created);
CREATE INDEX audit_log_by_operator ON audit_log (operator_name, date_created);
CREATE INDEX audit_log_by_target ON audit_log (target, date_created);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

ALTER TABLE review_requests ADD COLUMN claimed_by TEXT;
ALTER TABLE review_requests ADD COLUMN claimed_until INTEGER;
)sql",

    // 8: the one-record-per-(event, webhook) index keyed by the event's date first. Keyed by
    // (webhook_id, event_id), every new record landed on a random page of it (a page written per
    // record at each commit: a sixth of the WAL frames of a create with a webhook, measured);
    // keyed by time, the records of a commit share the right edge. event_date is the event's
    // date_created, or -1 for a record whose event is not in the store (store tests; pruned
    // events), read from the events table when the record is written (sqlite_deliveries.cc).
    // A table rebuild, as a table constraint cannot be dropped in place.
    R"sql(
CREATE TABLE deliveries_new (
  delivery_id     TEXT PRIMARY KEY,
  webhook_id      TEXT NOT NULL REFERENCES webhooks (webhook_id) ON DELETE CASCADE,
  account_id      TEXT NOT NULL,
  event_id        TEXT NOT NULL,
  event_date      INTEGER NOT NULL,
  event_type      TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
  attempt         INTEGER NOT NULL DEFAULT 0,
  run_attempts    INTEGER NOT NULL DEFAULT 0,
  response_status INTEGER,
  error           TEXT,
  duration_ms     INTEGER,
  next_attempt_at INTEGER,
  lease_until     INTEGER,
  lease_token     TEXT NOT NULL DEFAULT '',
  date_created    INTEGER NOT NULL,
  date_updated    INTEGER NOT NULL
) STRICT;
INSERT INTO deliveries_new
  SELECT d.delivery_id, d.webhook_id, d.account_id, d.event_id,
         IFNULL((SELECT e.date_created FROM events e WHERE e.event_id = d.event_id), -1),
         d.event_type, d.status, d.attempt, d.run_attempts, d.response_status, d.error,
         d.duration_ms, d.next_attempt_at, d.lease_until, d.lease_token, d.date_created,
         d.date_updated
    FROM deliveries d ORDER BY d.rowid;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE UNIQUE INDEX deliveries_by_event ON deliveries (event_date, event_id, webhook_id);
-- The others as in 6.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX deliveries_leased ON deliveries (webhook_id, lease_until)
  WHERE lease_until IS NOT NULL;
CREATE INDEX deliveries_by_webhook ON deliveries (webhook_id, delivery_id);
CREATE INDEX deliveries_by_date ON deliveries (date_created);
)sql",
};

constexpr int kLatest = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);

Result<int> UserVersion(Connection& conn) {
  SID_ASSIGN_OR_RETURN(Statement st, conn.Prepare("PRAGMA user_version"));
  SID_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? static_cast<int>(st.Int(0)) : 0;
}

}  // namespace

Status Migrate(Connection& conn) {
  SID_ASSIGN_OR_RETURN(int version, UserVersion(conn));
  if (version > kLatest)
    return Error(ErrorCode::kServiceUnavailable,
                 "the database was written by a newer senderid (schema " +
                     std::to_string(version) + ")");
  if (version == kLatest) return OkStatus();
  // IMMEDIATE takes the write lock first, so a second process waits and then sees the new version.
  SID_TRY(conn.Exec("BEGIN IMMEDIATE"));
  Status result = [&]() -> Status {
    SID_ASSIGN_OR_RETURN(int current, UserVersion(conn));
    for (int v = current; v < kLatest; ++v) {
      SID_TRY(conn.Exec(kMigrations[v]));
      const std::string set_version = "PRAGMA user_version = " + std::to_string(v + 1);
      SID_TRY(conn.Exec(set_version.c_str()));
    }
    return conn.Exec("COMMIT");
  }();
  if (!result.ok()) (void)conn.Exec("ROLLBACK");
  return result;
}

Status PrepareReplayDatabase(Connection& conn, const std::string& path, bool synchronous_full) {
  SID_TRY(CreatePrivateFile(path));
  SID_ASSIGN_OR_RETURN(Statement attach, conn.Prepare("ATTACH DATABASE ? AS replay"));
  attach.Bind(1, path);
  SID_TRY(attach.Run());
  SID_TRY(conn.Exec(synchronous_full
                        ? "PRAGMA replay.journal_mode=WAL; PRAGMA replay.synchronous=FULL;"
                        : "PRAGMA replay.journal_mode=WAL; PRAGMA replay.synchronous=NORMAL;"));
  // Keyed by (keep_until, digest): a replay carries the same date text, hence the same
  // keep_until, so the key still catches it; new rows land at the right edge of the tree and are
  // pruned at the left edge, touching few pages per commit (random digest keys touched one
  // page each and needed a second index for pruning).
  return conn.Exec(R"sql(
CREATE TABLE IF NOT EXISTS replay.spent_signatures (
  keep_until INTEGER NOT NULL,
  digest     BLOB NOT NULL,
  PRIMARY KEY (keep_until, digest)
) STRICT, WITHOUT ROWID;
)sql");
}

namespace {

Result<bool> LegacyTableExists(Connection& conn) {
  SID_ASSIGN_OR_RETURN(Statement st,
                       conn.Prepare("SELECT 1 FROM replay.sqlite_schema WHERE type = 'table' AND "
                                    "name = 'used_signatures'"));
  return st.Step();
}

// Copies the digests of the legacy rows and drops the legacy table; inside the caller's
// transaction.
Status MoveLegacySignatures(Connection& conn, const LegacySignatureDigest& digest) {
  SID_ASSIGN_OR_RETURN(bool exists, LegacyTableExists(conn));
  if (!exists) return OkStatus();  // another process upgraded the file while we waited
  if (digest) {
    // Rare and once per file: parsed here rather than kept in the statement cache.
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v2(conn.db(),
                                      "SELECT keep_until, signature FROM replay.used_signatures",
                                      -1, &raw, nullptr);
    if (rc != SQLITE_OK) return StoreError(conn.db(), rc, "prepare");
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> owned(raw, sqlite3_finalize);
    Statement rows(conn.db(), raw);
    for (;;) {
      SID_ASSIGN_OR_RETURN(bool row, rows.Step());
      if (!row) break;
      SID_ASSIGN_OR_RETURN(Statement insert,
                           conn.Prepare("INSERT INTO replay.spent_signatures (keep_until, digest) "
                                        "VALUES (?, ?) ON CONFLICT DO NOTHING"));
      insert.Bind(1, rows.Int(0)).BindBlob(2, digest(rows.Text(1)));
      SID_TRY(insert.Run());
    }
  }
  return conn.Exec("DROP TABLE replay.used_signatures");
}

}  // namespace

Status UpgradeLegacySignatures(Connection& conn, const LegacySignatureDigest& digest) {
  SID_ASSIGN_OR_RETURN(bool exists, LegacyTableExists(conn));
  if (!exists) return OkStatus();
  // IMMEDIATE, as for migrations: a second process waits, then finds the table gone.
  SID_TRY(conn.Exec("BEGIN IMMEDIATE"));
  Status result = MoveLegacySignatures(conn, digest);
  if (result.ok()) result = conn.Exec("COMMIT");
  if (!result.ok()) (void)conn.Exec("ROLLBACK");
  return result;
}

}  // namespace senderid::sqlite
