#include "app/wiring.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "store/sqlite/sqlite_store.h"

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
  return r;
}

}  // namespace senderid
