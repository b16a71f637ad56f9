// `senderid migrate`: brings the store's schema up to date and exits — what serve does at start,
// for deployments that migrate once before rolling new instances out (SPEC §11).

#include <iostream>
#include <string>

#include "app/commands.h"
#include "app/store_wiring.h"
#include "crypto/default_crypto.h"

namespace senderid {

int RunMigrate(const CommandLine& cli) {
  StoreConfig config = cli.store;
  config.migrate = true;
  // SQLite keeps its store in the data directory; PostgreSQL needs none for this.
  if (!IsPostgresUrl(config.db_url)) {
    if (Status dir = PrepareDataDirectory(config.data_dir); !dir.ok()) {
      PrintError(dir.error().message);
      return 1;
    }
  }
  Result<std::pair<std::string, bool>> key_file = MasterKeyFile(config);
  if (!key_file.ok()) {
    PrintError(key_file.error().message);
    return 1;
  }
  Result<std::string> key = LoadMasterKey(key_file->first, key_file->second);
  if (!key.ok()) {
    PrintError(key.error().message);
    return 1;
  }
  DefaultCrypto crypto(*key);
  Result<OpenedStore> opened = OpenStore(config, crypto);
  if (!opened.ok()) {
    PrintError(opened.error().message);
    return 1;
  }
  if (opened->schema) {
    std::cout << "{\"store\":\"postgresql\",\"schemaVersion\":" << opened->schema->version
              << ",\"applied\":" << opened->schema->applied << "}" << std::endl;
  } else {
    std::cout << "{\"store\":\"sqlite\",\"migrated\":true}" << std::endl;
  }
  return 0;
}

}  // namespace senderid
