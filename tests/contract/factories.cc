// The adapters the contract suite runs against, one factory each.

#include "tests/contract/store_under_test.h"

namespace senderid::contract {

std::vector<StoreFactory> AllStoreFactories() {
  return {
      MemoryStoreFactory(), SqliteStoreFactory(),
      // Needs SENDERID_TEST_PG (a server URL); skipped without it (postgres_factory.cc).
      PostgresStoreFactory(),
  };
}

}  // namespace senderid::contract
