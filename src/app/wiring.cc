#include "app/wiring.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <cstring>
#include <filesystem>

#include "store/sqlite/sqlite_store.h"
#include "voice/outbox/outbox_voice_caller.h"
#include "voice/webhook/webhook_voice_caller.h"

namespace senderid {
namespace {

Result<std::string> SqlitePath(const StoreConfig& config) {
  if (config.db_url.empty()) return config.data_dir + "/senderid.db";
  constexpr std::string_view kSqlite = "sqlite://";
  if (config.db_url.rfind(kSqlite, 0) == 0) {
    std::string path = config.db_url.substr(kSqlite.size());
    if (path.empty()) return Error(ErrorCode::kValidationError, "--db sqlite:///path: path missing");
    return path;
  }
  if (config.db_url.rfind("postgresql://", 0) == 0 || config.db_url.rfind("postgres://", 0) == 0)
    return Error(ErrorCode::kValidationError,
                 "the PostgreSQL store is not available yet; use --data DIR or --db sqlite:///path");
  return Error(ErrorCode::kValidationError, "--db must be sqlite:///path or postgresql://…");
}

Result<std::unique_ptr<VoiceCaller>> MakeVoiceCaller(const VoiceConfig& voice,
                                                     const std::string& data_dir, int workers) {
  if (voice.provider == "outbox")
    return std::unique_ptr<VoiceCaller>(
        std::make_unique<OutboxVoiceCaller>(data_dir + "/voice-outbox.jsonl"));
  if (voice.provider != "webhook")
    return Error(ErrorCode::kValidationError, "--voice must be outbox or webhook");
  if (voice.url.empty() || voice.secret_file.empty())
    return Error(ErrorCode::kValidationError,
                 "--voice webhook needs --voice-url and --voice-secret-file");
  std::ifstream in(voice.secret_file, std::ios::binary);
  if (!in) return Error(ErrorCode::kValidationError, "cannot read " + voice.secret_file);
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!secret.empty() && std::isspace(static_cast<unsigned char>(secret.back()))) secret.pop_back();
  if (secret.empty()) return Error(ErrorCode::kValidationError, voice.secret_file + " is empty");
  WebhookOptions options;
  options.url = voice.url;
  options.secret = secret;
  options.timeout = std::chrono::milliseconds(voice.timeout);
  // Calls block a worker for up to the timeout: however many workers there are, a dead gateway
  // may hold at most a quarter of them (and never more than 4).
  options.max_in_flight = std::clamp(workers / 4, 1, 4);
  return std::unique_ptr<VoiceCaller>(std::make_unique<WebhookVoiceCaller>(options));
}

}  // namespace

Result<std::unique_ptr<Registry>> OpenRegistry(const StoreConfig& store_config,
                                               const RegistryConfig& config) {
  std::error_code ec;
  std::filesystem::create_directories(store_config.data_dir, ec);
  if (ec)
    return Error(ErrorCode::kServiceUnavailable,
                 "cannot create data directory " + store_config.data_dir + ": " + ec.message());
  ::chmod(store_config.data_dir.c_str(), 0700);

  auto r = std::make_unique<Registry>();
  const std::string key_file = store_config.master_key_file.empty()
                                   ? store_config.data_dir + "/master.key"
                                   : store_config.master_key_file;
  // A key named explicitly must exist: generating a fresh one would orphan every sealed secret.
  SID_ASSIGN_OR_RETURN(std::string master_key,
                       LoadMasterKey(key_file, store_config.master_key_file.empty()));
  r->crypto = std::make_unique<DefaultCrypto>(master_key);

  SID_ASSIGN_OR_RETURN(std::string path, SqlitePath(store_config));
  sqlite::SqliteOptions options;
  options.path = path;
  options.synchronous_full = store_config.synchronous_full;
  SID_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::SqliteStore> store, sqlite::SqliteStore::Open(options));
  r->store = std::move(store);

  r->authenticator =
      std::make_unique<Authenticator>(*r->store, *r->crypto, r->clock, config.auth);
  r->numbers = std::make_unique<NumbersService>(*r->store, r->clock, r->random, config.registry);
  r->accounts = std::make_unique<AccountsService>(*r->store, *r->crypto, r->clock, r->random,
                                                  config.registry.default_limit);
  SID_ASSIGN_OR_RETURN(r->voice,
                       MakeVoiceCaller(config.voice, store_config.data_dir, config.workers));
  r->verification = std::make_unique<VerificationService>(*r->store, *r->crypto, r->clock,
                                                          r->random, *r->voice, config.registry,
                                                          config.verification);
  SID_ASSIGN_OR_RETURN(r->blobs, FileBlobStore::Open(store_config.data_dir + "/documents"));
  r->documents = std::make_unique<DocumentsService>(*r->store, *r->blobs, r->clock, r->random,
                                                    config.documents);
  r->papers = std::make_unique<PapersService>(*r->store, r->clock, r->random);
  r->reviews = std::make_unique<ReviewsService>(*r->store, r->clock, config.registry);
  return r;
}

}  // namespace senderid
