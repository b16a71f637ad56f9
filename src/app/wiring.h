#pragma once
// The composition root: turns configuration into a store, crypto and the core services. The only
// code that sees every adapter.

#include <memory>
#include <optional>
#include <string>

#include "app/store_wiring.h"
#include "app/system_clock.h"
#include "blob/file_blob_store.h"
#include "core/lifecycle/lifecycle.h"
#include "core/ports/metrics.h"
#include "core/ports/signature_ledger.h"
#include "core/ports/store.h"
#include "core/services/accounts_service.h"
#include "core/services/authenticator.h"
#include "core/services/backlog_service.h"
#include "core/services/delivery_service.h"
#include "core/services/documents_service.h"
#include "core/services/events_service.h"
#include "core/services/numbers_service.h"
#include "core/services/operator_auth.h"
#include "core/services/operator_views.h"
#include "core/services/operators_service.h"
#include "core/services/papers_service.h"
#include "core/services/reviews_service.h"
#include "core/services/verification_service.h"
#include "core/services/webhooks_service.h"
#include "crypto/default_crypto.h"
#include "delivery/system_resolver.h"
#include "json/event_codec.h"

namespace senderid {

struct StoreConfig {
  std::string data_dir = "./data";
  std::string db_url;           // sqlite:///path or postgresql://…; empty: <data_dir>/senderid.db
  std::string master_key_file;  // empty: <data_dir>/master.key (SQLite only)
  bool synchronous_full = true;
  int db_pool = 8;              // PostgreSQL connections per process (plus the signature writer's)
  // PostgreSQL: bring the schema up to date (serve, migrate), or only create an empty one and
  // refuse an older one (every other command).
  bool migrate = false;
  // PostgreSQL: an unreachable database is not an error at open (serve keeps trying).
  bool wait_for_database = false;
  // SQLite: open the spent-signature journal (serve, which holds the store's instance lock); every
  // other command gets a ledger that refuses.
  bool spend_signatures = false;
};

struct VoiceConfig {
  std::string provider = "outbox";  // outbox | webhook
  std::string url;                  // webhook
  std::string secret_file;          // webhook
  TimeMs timeout = 5 * kSecond;     // webhook
};

struct RegistryConfig {
  RegistryOptions registry;
  NumbersOptions numbers;
  DocumentOptions documents;
  AuthOptions auth;
  VerificationOptions verification;
  VoiceConfig voice;
  std::string public_url;  // prefix of document urls (in answers and events)
  int workers = 16;  // request worker threads (the webhook provider sizes its call cap by them)
  // Events and webhooks (SPEC §12).
  WebhooksServiceOptions webhooks;
  DeliveryOptions delivery;
  TimeMs event_retention = 30 * kDay;
  int webhook_concurrency = 16;  // attempts at once in this process
};

// Everything a command needs, built once per process. Members are declared in dependency order
// (destroyed in reverse).
struct Registry {
  SystemClock clock;
  SystemRandom random;
  std::unique_ptr<DefaultCrypto> crypto;
  std::unique_ptr<json::JsonEventEncoder> events;
  std::unique_ptr<Lifecycle> lifecycle;
  std::unique_ptr<Store> store;
  std::unique_ptr<SignatureLedger> own_ledger;  // SQLite (OpenedStore::own_ledger)
  SignatureLedger* ledger = nullptr;            // own_ledger, or the PostgreSQL store's
  pg::PostgresStore* postgres = nullptr;  // the store, when it is PostgreSQL
  std::optional<pg::SchemaState> schema;  // PostgreSQL: what opening the schema did
  std::string open_error;                 // PostgreSQL: why it could not be opened yet
  std::unique_ptr<Authenticator> authenticator;
  std::unique_ptr<NumbersService> numbers;
  std::unique_ptr<AccountsService> accounts;
  std::unique_ptr<VoiceCaller> voice;
  std::unique_ptr<VerificationService> verification;
  std::unique_ptr<FileBlobStore> file_blobs;  // SQLite: <data dir>/documents
  BlobStore* blobs = nullptr;                 // file_blobs, or PostgreSQL's document_blobs
  std::string documents_dir;                  // where file_blobs keeps them; "" with PostgreSQL
  std::unique_ptr<DocumentsService> documents;
  std::unique_ptr<PapersService> papers;
  std::unique_ptr<ReviewsService> reviews;
  SystemResolver resolver;
  std::unique_ptr<EventsService> event_log;
  std::unique_ptr<WebhooksService> webhooks;
  std::unique_ptr<DeliveryService> delivery;
  std::unique_ptr<OperatorsService> operators;
  std::unique_ptr<OperatorAuth> operator_auth;
  std::unique_ptr<OperatorViews> operator_views;
  std::unique_ptr<BacklogService> backlog;
};

// Where the SQLite store of `config` lives (its --db, or <data_dir>/senderid.db).
Result<std::string> SqlitePath(const StoreConfig& config);

// Creates the data directory when missing (mode 0700); an existing one is the operator's and keeps
// its mode, with a warning when others may read it (it holds the store and, by default, the key).
Status PrepareDataDirectory(const std::string& dir);

// Creates the master key on first use, opens the store and builds the services. The data directory
// must exist (PrepareDataDirectory). With `metrics` (serve), store writes and ARS calls are
// reported to it; it must outlive the registry.
Result<std::unique_ptr<Registry>> OpenRegistry(const StoreConfig& store, const RegistryConfig& config,
                                               Metrics* metrics = nullptr);

}  // namespace senderid
