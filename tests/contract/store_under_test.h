#pragma once
// The store contract suite (issue 10): one parameterised GoogleTest suite that every store adapter
// passes. Each adapter enters through a StoreFactory (one file per adapter, <adapter>_factory.cc,
// listed in AllStoreFactories()); each area of the ports has its fixture and file
// (accounts_contract_test.cc, …), all instantiated over every factory, so a test reads
// `Adapters/NumbersContract.ListByDateCreated/sqlite`. Run them with `ctest -L contract`.
//
// A new adapter is done when it passes: add its factory file and one line in factories.cc.

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/ports/signature_ledger.h"
#include "core/ports/store.h"

namespace senderid::contract {

// One adapter instance with fresh, empty data, as the suite drives it. Not thread-safe itself (the
// store and ledger it hands out are).
class StoreUnderTest {
 public:
  virtual ~StoreUnderTest() = default;

  virtual Store& store() = 0;
  virtual SignatureLedger& ledger() = 0;

  // Whether the adapter keeps its data outside the object (a file, a server), so that Reopen
  // simulates a restart; the durability tests run only then.
  virtual bool durable() const = 0;
  // Closes the adapter and opens it again on the same data. References from store() and ledger()
  // are invalid afterwards. The memory store keeps its object (and state) and returns OK.
  virtual Status Reopen() = 0;
  // A fresh, empty instance of the same adapter whose Write runs every fn twice, keeping only the
  // second run's effects (MemoryOptions/SqliteOptions::force_retry).
  virtual std::unique_ptr<StoreUnderTest> ForceRetry() = 0;
};

struct StoreFactory {
  std::string name;  // the test-name suffix: letters and digits only
  std::function<std::unique_ptr<StoreUnderTest>()> make;
  // Why the adapter cannot run here (a server it needs was not given), or "" when it can: its
  // tests are then skipped with that reason rather than failed. Unset: always available.
  std::function<std::string()> unavailable;
};

// What gtest prints for a parameter (instead of the bytes of the struct).
inline void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

// One per adapter, each in its own <adapter>_factory.cc.
StoreFactory MemoryStoreFactory();
StoreFactory SqliteStoreFactory();
StoreFactory PostgresStoreFactory();

// Every adapter the suite runs against (factories.cc).
std::vector<StoreFactory> AllStoreFactories();

}  // namespace senderid::contract
