// The PostgreSQL store under the contract suite. SENDERID_TEST_PG names a server (a libpq URI,
// e.g. postgresql:///senderid_tests?host=/tmp/pg&user=postgres; scripts/test.sh starts a
// throwaway one and sets it); without it every PostgreSQL test is skipped with that reason, so a
// plain `ctest` works anywhere. Each test gets a fresh schema of its own in that database (the
// store's URL sets search_path to it), dropped afterwards; Reopen closes the store and opens a new
// one on the same schema, as a restarted server would.

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>

#include "store/postgres/connection.h"
#include "store/postgres/postgres_store.h"
#include "tests/contract/store_under_test.h"

namespace senderid::contract {
namespace {

constexpr const char* kServerVariable = "SENDERID_TEST_PG";

std::string ServerUrl() {
  const char* url = std::getenv(kServerVariable);
  return url == nullptr ? "" : url;
}

pg::Deadline Soon() { return pg::SteadyClock::now() + std::chrono::seconds(30); }

// The server URL with search_path set to `schema` (a URI: `?` or `&` then options).
std::string UrlWithSchema(const std::string& url, const std::string& schema) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema;
}

// A schema of its own, created at construction and dropped (with everything in it) at
// destruction. Empty name when it could not be created.
class TempSchema {
 public:
  TempSchema() {
    static std::atomic<int> counter{0};
    std::random_device random;
    const std::string name = "contract_" + std::to_string(::getpid()) + "_" +
                             std::to_string(counter++) + "_" + std::to_string(random() % 100000);
    Result<std::unique_ptr<pg::Connection>> admin =
        pg::Connection::Open(pg::ConnectOptions{ServerUrl()}, Soon());
    if (!admin.ok()) return;
    admin_ = std::move(admin).value();
    if (admin_->Script("CREATE SCHEMA " + name, Soon()).ok()) name_ = name;
  }
  ~TempSchema() {
    if (!name_.empty()) (void)admin_->Script("DROP SCHEMA " + name_ + " CASCADE", Soon());
  }
  TempSchema(const TempSchema&) = delete;
  TempSchema& operator=(const TempSchema&) = delete;

  const std::string& name() const { return name_; }

 private:
  std::unique_ptr<pg::Connection> admin_;
  std::string name_;
};

class PostgresUnderTest final : public StoreUnderTest {
 public:
  // nullptr when the schema or the store cannot be made (the fixture fails the test).
  static std::unique_ptr<StoreUnderTest> Make(bool force_retry) {
    auto sut = std::unique_ptr<PostgresUnderTest>(new PostgresUnderTest(force_retry));
    if (sut->schema_.name().empty() || !sut->Reopen().ok()) return nullptr;
    return sut;
  }

  Store& store() override { return *store_; }
  SignatureLedger& ledger() override { return *store_; }
  bool durable() const override { return true; }
  Status Reopen() override {
    store_.reset();  // closes its connections first, as a stopped server would
    pg::PostgresOptions options;
    options.url = UrlWithSchema(ServerUrl(), schema_.name());
    options.key_fingerprint = "contract-suite";
    options.force_retry = force_retry_;
    store_ = pg::PostgresStore::Create(options);
    Result<pg::SchemaState> opened = store_->Open(pg::SchemaMode::kMigrate);
    if (!opened.ok()) return std::move(opened).error();
    return OkStatus();
  }
  std::unique_ptr<StoreUnderTest> ForceRetry() override { return Make(/*force_retry=*/true); }

 private:
  explicit PostgresUnderTest(bool force_retry) : force_retry_(force_retry) {}

  const bool force_retry_;
  TempSchema schema_;  // declared before store_: dropped after the store has closed
  std::unique_ptr<pg::PostgresStore> store_;
};

}  // namespace

StoreFactory PostgresStoreFactory() {
  return {"postgres", [] { return PostgresUnderTest::Make(/*force_retry=*/false); },
          [] {
            return ServerUrl().empty() ? std::string(kServerVariable) +
                                             " is not set (a PostgreSQL server URL): skipped"
                                       : std::string();
          }};
}

}  // namespace senderid::contract
