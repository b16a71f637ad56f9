#pragma once
// The composition root: turns configuration into a store, crypto and the core services. The only
// code that sees every adapter.

#include <memory>
#include <string>

#include "app/system_clock.h"
#include "core/ports/store.h"
#include "core/services/accounts_service.h"
#include "blob/file_blob_store.h"
#include "core/services/authenticator.h"
#include "core/services/documents_service.h"
#include "core/services/papers_service.h"
#include "core/services/reviews_service.h"
#include "core/services/numbers_service.h"
#include "core/services/verification_service.h"
#include "crypto/default_crypto.h"

namespace senderid {

struct StoreConfig {
  std::string data_dir = "./data";
  std::string db_url;           // sqlite:///path or postgresql://…; empty: <data_dir>/senderid.db
  std::string master_key_file;  // empty: <data_dir>/master.key
  bool synchronous_full = true;
};

struct VoiceConfig {
  std::string provider = "outbox";  // outbox | webhook
  std::string url;                  // webhook
  std::string secret_file;          // webhook
  TimeMs timeout = 5 * kSecond;     // webhook
};

struct RegistryConfig {
  RegistryOptions registry;
  DocumentOptions documents;
  AuthOptions auth;
  VerificationOptions verification;
  VoiceConfig voice;
  int workers = 16;  // request worker threads (the webhook provider sizes its call cap by them)
};

// Everything a command needs, built once per process.
struct Registry {
  SystemClock clock;
  SystemRandom random;
  std::unique_ptr<DefaultCrypto> crypto;
  std::unique_ptr<Store> store;
  std::unique_ptr<Authenticator> authenticator;
  std::unique_ptr<NumbersService> numbers;
  std::unique_ptr<AccountsService> accounts;
  std::unique_ptr<VoiceCaller> voice;
  std::unique_ptr<VerificationService> verification;
  std::unique_ptr<FileBlobStore> blobs;  // <data dir>/documents
  std::unique_ptr<DocumentsService> documents;
  std::unique_ptr<PapersService> papers;
  std::unique_ptr<ReviewsService> reviews;
};

// Creates the data directory when missing, the master key on first use, opens the store and builds
// the services.
Result<std::unique_ptr<Registry>> OpenRegistry(const StoreConfig& store, const RegistryConfig& config);

}  // namespace senderid
