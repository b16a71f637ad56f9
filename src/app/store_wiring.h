#pragma once
// Which store `--db` names and how it is opened (SPEC §10, §11): SQLite in the data directory or at
// sqlite:///path (the default), or PostgreSQL for postgresql://… and postgres://… URLs. Part of the
// composition root.

#include <memory>
#include <optional>
#include <string>

#include "blob/file_blob_store.h"
#include "core/error.h"
#include "core/ports/blob_store.h"
#include "core/ports/crypto.h"
#include "core/ports/signature_ledger.h"
#include "core/ports/store.h"
#include "store/postgres/postgres_store.h"

namespace senderid {

struct StoreConfig;

// An open store with its ledger and the documents' bytes.
struct OpenedStore {
  std::unique_ptr<Store> store;
  // SQLite: serve's journal (StoreConfig::spend_signatures), or one that refuses; PostgreSQL: none
  std::unique_ptr<SignatureLedger> own_ledger;
  SignatureLedger* ledger = nullptr;          // own_ledger, or the PostgreSQL store's
  pg::PostgresStore* postgres = nullptr;      // the store, when it is PostgreSQL
  std::unique_ptr<FileBlobStore> file_blobs;  // SQLite: <data dir>/documents
  BlobStore* blobs = nullptr;                 // file_blobs, or the PostgreSQL store's
  std::string documents_dir;                  // where file blobs are; "" with PostgreSQL
  std::optional<pg::SchemaState> schema;      // PostgreSQL: what Open did, if it succeeded
  std::string open_error;  // PostgreSQL, waiting for the database: why the first Open failed
};

// serve's spent-signature journal beside the SQLite store at `db_path`:
// "x/senderid.db" → "x/senderid-signatures.journal".
std::string SignatureJournalDirOf(const std::string& db_path);

// Whether `db_url` names a PostgreSQL database.
bool IsPostgresUrl(const std::string& db_url);

// The master key file to read and whether it may be created: DATA/master.key by default (created
// on first use) for SQLite; with PostgreSQL it must be named (--master-key-file) and is never
// created — every instance needs the same key. kValidationError when it is missing.
Result<std::pair<std::string, bool>> MasterKeyFile(const StoreConfig& config);

// What PostgreSQL keeps of the master key: a keyed hash of a fixed text (hex), so that an instance
// started with another key is refused even before anything was sealed with it.
std::string MasterKeyFingerprint(const Crypto& crypto);

// Opens the store of `config`. For PostgreSQL the schema is opened as config says (migrate or
// require current); with config.wait_for_database an unreachable database is not an error: the
// store is returned not ready (PostgresStore::ready()) for the caller to open later.
Result<OpenedStore> OpenStore(const StoreConfig& config, const Crypto& crypto);

}  // namespace senderid
