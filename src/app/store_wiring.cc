#include "app/store_wiring.h"

#include <unistd.h>

#include <condition_variable>
#include <mutex>

#include "app/system_clock.h"
#include "app/wiring.h"
#include "core/hex.h"
#include "core/services/authenticator.h"
#include "store/journal/signature_journal.h"
#include "store/sqlite/sqlite_store.h"

namespace senderid {
namespace {

// Every command but serve: spent signatures are serve's alone (store/journal/).
class NoLedger final : public SignatureLedger {
 public:
  void Spend(std::string, TimeMs, SpendDone done) override { done(Refusal()); }
  Result<int> Prune(TimeMs) override { return Refusal(); }

 private:
  static Error Refusal() {
    return Error(ErrorCode::kInternalError, "request signatures are spent by serve only");
  }
};

// Opens serve's journal and moves into it, once, what an older senderid spent in the SQLite
// ledger; a digest is spent in the journal before the SQLite rows go, so a crash in between
// leaves it in both (harmless), never in neither.
Result<std::unique_ptr<SignatureLedger>> OpenJournal(sqlite::SqliteStore& store,
                                                     const std::string& db_path, TimeMs now) {
  journal::JournalOptions options;
  options.dir = SignatureJournalDirOf(db_path);
  SID_ASSIGN_OR_RETURN(std::unique_ptr<journal::SignatureJournal> journal,
                       journal::SignatureJournal::Open(options));
  SID_ASSIGN_OR_RETURN(auto legacy, store.TakeSpentSignatures(now));
  if (!legacy.empty()) {
    std::mutex mu;
    std::condition_variable all_done;
    size_t left = legacy.size();
    Status failed = OkStatus();
    for (auto& [digest, keep_until] : legacy)
      journal->Spend(std::move(digest), keep_until, [&](Result<bool> r) {
        std::lock_guard lock(mu);
        if (!r.ok()) failed = std::move(r).error();
        if (--left == 0) all_done.notify_one();
      });
    std::unique_lock lock(mu);
    all_done.wait(lock, [&] { return left == 0; });
    SID_TRY(failed);
  }
  return std::unique_ptr<SignatureLedger>(std::move(journal));
}

Result<OpenedStore> OpenSqlite(const StoreConfig& config, const Crypto& crypto) {
  SID_ASSIGN_OR_RETURN(std::string path, SqlitePath(config));
  sqlite::SqliteOptions options;
  options.path = path;
  options.synchronous_full = config.synchronous_full;
  options.legacy_signature_digest = [&crypto](std::string_view signature) {
    return Authenticator::SignatureDigest(crypto, signature);
  };
  SID_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::SqliteStore> store,
                       sqlite::SqliteStore::Open(options));
  OpenedStore out;
  if (config.spend_signatures) {
    SID_ASSIGN_OR_RETURN(out.own_ledger, OpenJournal(*store, path, SystemClock().Now()));
  } else {
    out.own_ledger = std::make_unique<NoLedger>();
  }
  out.ledger = out.own_ledger.get();
  out.store = std::move(store);
  SID_ASSIGN_OR_RETURN(out.file_blobs, FileBlobStore::Open(config.data_dir + "/documents"));
  out.blobs = out.file_blobs.get();
  out.documents_dir = out.file_blobs->dir();
  return out;
}

Result<OpenedStore> OpenPostgres(const StoreConfig& config, const Crypto& crypto) {
  pg::PostgresOptions options;
  options.url = config.db_url;
  options.pool_size = config.db_pool;
  options.key_fingerprint = MasterKeyFingerprint(crypto);
  std::unique_ptr<pg::PostgresStore> store = pg::PostgresStore::Create(options);
  Result<pg::SchemaState> opened =
      store->Open(config.migrate ? pg::SchemaMode::kMigrate : pg::SchemaMode::kRequireCurrent);
  // Logged by the caller once everything else is set up: a configuration error after this stays
  // the one line it must be.
  OpenedStore out;
  if (!opened.ok()) {
    if (!config.wait_for_database || opened.error().code != ErrorCode::kServiceUnavailable)
      return std::move(opened).error();
    out.open_error = opened.error().message;
  } else {
    out.schema = *opened;
  }
  out.postgres = store.get();
  out.ledger = store.get();
  out.blobs = &store->blobs();
  out.store = std::move(store);
  return out;
}

}  // namespace

std::string SignatureJournalDirOf(const std::string& db_path) {
  std::string base = sqlite::SignaturesPathOf(db_path);  // x/senderid-signatures.db
  if (base.ends_with(".db")) base.resize(base.size() - 3);
  return base + ".journal";
}

bool IsPostgresUrl(const std::string& db_url) {
  return db_url.rfind("postgresql://", 0) == 0 || db_url.rfind("postgres://", 0) == 0;
}

Result<std::pair<std::string, bool>> MasterKeyFile(const StoreConfig& config) {
  if (!config.master_key_file.empty()) return std::make_pair(config.master_key_file, false);
  if (IsPostgresUrl(config.db_url))
    return Error(ErrorCode::kValidationError,
                 "with a PostgreSQL store the master key is never generated: give "
                 "--master-key-file (the same key on every instance)");
  // Generated with a new store only: beside an existing database a fresh key would open none of
  // its sealed secrets (a restore without its key, a key file deleted by mistake).
  std::string key_path = config.data_dir + "/master.key";
  SID_ASSIGN_OR_RETURN(const std::string db_path, SqlitePath(config));
  if (::access(key_path.c_str(), F_OK) != 0 && ::access(db_path.c_str(), F_OK) == 0)
    return Error(ErrorCode::kValidationError,
                 "master key file " + key_path + " is missing, but the store " + db_path +
                     " exists: a new key would open none of its secrets; put its master key back "
                     "(or name it with --master-key-file)");
  return std::make_pair(std::move(key_path), true);
}

std::string MasterKeyFingerprint(const Crypto& crypto) {
  return ToHex(crypto.KeyedHash("master-key-fingerprint", "senderid registry"));
}

Result<OpenedStore> OpenStore(const StoreConfig& config, const Crypto& crypto) {
  return IsPostgresUrl(config.db_url) ? OpenPostgres(config, crypto) : OpenSqlite(config, crypto);
}

}  // namespace senderid
