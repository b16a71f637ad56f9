#include "app/wiring.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "metrics/measured.h"
#include "voice/outbox/outbox_voice_caller.h"
#include "voice/webhook/webhook_voice_caller.h"

namespace senderid {
namespace {

Result<std::unique_ptr<VoiceCaller>> MakeVoiceCaller(const VoiceConfig& voice,
                                                     const std::string& data_dir, int workers,
                                                     const Crypto& crypto) {
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
  return std::unique_ptr<VoiceCaller>(std::make_unique<WebhookVoiceCaller>(options, crypto));
}

}  // namespace

Status PrepareDataDirectory(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) == 0) return OkStatus();
  if (errno != EEXIST) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
      return Error(ErrorCode::kServiceUnavailable,
                   "cannot create data directory " + dir + ": " + ec.message());
    ::chmod(dir.c_str(), 0700);
    return OkStatus();
  }
  struct stat st{};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return Error(ErrorCode::kServiceUnavailable, "data directory " + dir + " is not a directory");
  if ((st.st_mode & 077) != 0)
    spdlog::warn("data directory {} has permissions {:o}: other users may read the store and the "
                 "master key; chmod 700 it",
                 dir, st.st_mode & 0777);
  return OkStatus();
}

Result<std::string> SqlitePath(const StoreConfig& config) {
  if (config.db_url.empty()) return config.data_dir + "/senderid.db";
  constexpr std::string_view kSqlite = "sqlite://";
  if (config.db_url.rfind(kSqlite, 0) == 0) {
    std::string path = config.db_url.substr(kSqlite.size());
    if (path.empty()) return Error(ErrorCode::kValidationError, "--db sqlite:///path: path missing");
    return path;
  }
  if (IsPostgresUrl(config.db_url))
    return Error(ErrorCode::kValidationError, "--db " + config.db_url + " is not a SQLite store");
  return Error(ErrorCode::kValidationError,
               "--db must be sqlite:///path, postgresql://… or postgres://…");
}

Result<std::unique_ptr<Registry>> OpenRegistry(const StoreConfig& store_config,
                                               const RegistryConfig& config, Metrics* metrics) {
  auto r = std::make_unique<Registry>();
  // A key named explicitly must exist: generating a fresh one would orphan every sealed secret.
  SID_ASSIGN_OR_RETURN(auto key_file, MasterKeyFile(store_config));
  SID_ASSIGN_OR_RETURN(std::string master_key, LoadMasterKey(key_file.first, key_file.second));
  r->crypto = std::make_unique<DefaultCrypto>(master_key);
  std::string public_url = config.public_url;
  while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();
  r->events = std::make_unique<json::JsonEventEncoder>(public_url);
  r->lifecycle = std::make_unique<Lifecycle>(r->random, *r->events, config.registry);

  SID_ASSIGN_OR_RETURN(OpenedStore opened, OpenStore(store_config, *r->crypto));
  r->store = std::move(opened.store);
  if (metrics != nullptr)
    r->store = std::make_unique<metrics::MeasuredStore>(std::move(r->store), *metrics);
  r->own_ledger = std::move(opened.own_ledger);
  r->ledger = opened.ledger;
  r->postgres = opened.postgres;
  r->schema = opened.schema;
  r->open_error = opened.open_error;

  r->authenticator = std::make_unique<Authenticator>(*r->store, *r->ledger, *r->crypto, r->clock,
                                                     config.auth);
  r->numbers = std::make_unique<NumbersService>(*r->store, r->clock, r->random, *r->lifecycle,
                                                config.numbers);
  r->accounts = std::make_unique<AccountsService>(*r->store, *r->crypto, r->clock, r->random,
                                                  *r->lifecycle);
  SID_ASSIGN_OR_RETURN(r->voice, MakeVoiceCaller(config.voice, store_config.data_dir,
                                                 config.workers, *r->crypto));
  if (metrics != nullptr)
    r->voice = std::make_unique<metrics::MeasuredVoiceCaller>(std::move(r->voice), *metrics);
  r->verification = std::make_unique<VerificationService>(*r->store, *r->crypto, r->clock,
                                                          r->random, *r->voice, *r->lifecycle,
                                                          config.verification);
  r->file_blobs = std::move(opened.file_blobs);
  r->blobs = opened.blobs;
  r->documents_dir = opened.documents_dir;
  r->documents = std::make_unique<DocumentsService>(*r->store, *r->blobs, r->clock, r->random,
                                                    *r->lifecycle, config.documents);
  r->papers = std::make_unique<PapersService>(*r->store, r->clock, r->random, *r->lifecycle);
  r->reviews = std::make_unique<ReviewsService>(*r->store, r->clock, r->random, *r->lifecycle);
  r->event_log = std::make_unique<EventsService>(*r->store, r->clock, config.event_retention);
  r->webhooks = std::make_unique<WebhooksService>(*r->store, *r->crypto, r->clock, r->random,
                                                  r->resolver, config.webhooks);
  r->delivery = std::make_unique<DeliveryService>(*r->store, *r->crypto, r->clock, r->random,
                                                  config.delivery);
  r->operators = std::make_unique<OperatorsService>(*r->store, *r->crypto, r->clock, r->random);
  r->operator_auth = std::make_unique<OperatorAuth>(*r->store, *r->crypto, r->clock, r->random);
  r->operator_views = std::make_unique<OperatorViews>(*r->store, *r->blobs, r->clock, r->random);
  r->backlog = std::make_unique<BacklogService>(*r->store, r->clock);
  return r;
}

}  // namespace senderid
