// The adapters the contract suite runs against, one factory each.

#include "tests/contract/store_under_test.h"

namespace senderid::contract {

std::vector<StoreFactory> AllStoreFactories() {
  return {
      MemoryStoreFactory(), SqliteStoreFactory(),
      // PostgresStoreFactory(): the next issue's adapter goes here (postgres_factory.cc).
  };
}

}  // namespace senderid::contract
