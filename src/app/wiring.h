#pragma once
// The composition root: turns configuration into a store, crypto and the core services. The only
// code that sees every adapter.

#include <memory>
#include <string>

#include "app/system_clock.h"
#include "core/ports/store.h"
#include "core/services/accounts_service.h"
#include "core/services/authenticator.h"
#include "core/services/numbers_service.h"
#include "crypto/default_crypto.h"

namespace senderid {

struct StoreConfig {
  std::string data_dir = "./data";
  std::string db_url;           // sqlite:///path or postgresql://…; empty: <data_dir>/senderid.db
  std::string master_key_file;  // empty: <data_dir>/master.key
  bool synchronous_full = true;
};

struct RegistryConfig {
  RegistryOptions registry;
  AuthOptions auth;
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
};

// Creates the data directory when missing, the master key on first use, opens the store and builds
// the services.
Result<std::unique_ptr<Registry>> OpenRegistry(const StoreConfig& store, const RegistryConfig& config);

}  // namespace senderid
