// The in-memory store under the contract suite. It has no durability of its own: Reopen keeps the
// object, and the durability tests skip it.

#include <memory>

#include "store/memory/memory_store.h"
#include "tests/contract/store_under_test.h"

namespace senderid::contract {
namespace {

class MemoryUnderTest final : public StoreUnderTest {
 public:
  explicit MemoryUnderTest(MemoryOptions options) : store_(options) {}

  Store& store() override { return store_; }
  SignatureLedger& ledger() override { return store_; }
  bool durable() const override { return false; }
  Status Reopen() override { return OkStatus(); }
  std::unique_ptr<StoreUnderTest> ForceRetry() override {
    return std::make_unique<MemoryUnderTest>(MemoryOptions{.force_retry = true});
  }

 private:
  MemoryStore store_;
};

}  // namespace

StoreFactory MemoryStoreFactory() {
  return {"memory", [] { return std::make_unique<MemoryUnderTest>(MemoryOptions{}); }, {}};
}

}  // namespace senderid::contract
