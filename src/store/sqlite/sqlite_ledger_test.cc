// Tests for the SQLite signature ledger: each digest spent once (also when spent concurrently),
// pruned by keep_until, callbacks after the commit in order, and the upgrade of a file in which the
// previous version kept signatures as plaintext.

#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "store/sqlite/sqlite_testing.h"

namespace senderid::sqlite {
namespace {

using sqlite_test::OpenWith;
using sqlite_test::RawQuery;

class SqliteLedgerTest : public sqlite_test::SqliteTest {};

TEST_F(SqliteLedgerTest, SignaturesAreSpentOnceAndPrunedByKeepUntil) {
  // The port lets adapters key on (digest, keep_until): one digest always comes with one
  // keep_until, because both derive from the signed date text.
  auto spend = [&](const std::string& digest, TimeMs keep_until) {
    Result<bool> r = SpendAndWait(store(), digest, keep_until);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() && *r;
  };
  EXPECT_TRUE(spend("sig-a", 100));
  EXPECT_TRUE(spend("sig-b", 200));
  EXPECT_FALSE(spend("sig-a", 100));
  EXPECT_TRUE(spend(std::string("\x00\xff", 2), 100)) << "digests are bytes";
  EXPECT_FALSE(spend(std::string("\x00\xff", 2), 100));
  Result<int> pruned = store().Prune(100);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 0) << "keep_until 100 is kept at 100";
  pruned = store().Prune(101);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 2);
  EXPECT_TRUE(spend("sig-a", 100)) << "pruned: may be spent anew";
  EXPECT_FALSE(spend("sig-b", 200));
}

TEST_F(SqliteLedgerTest, ConcurrentSpendsOfOneDigestAcceptExactlyOne) {
  constexpr int kThreads = 16;
  std::atomic<int> accepted{0}, refused{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        Result<bool> r = SpendAndWait(store(), "digest-" + std::to_string(i), 5000);
        if (!r.ok()) ++failed;
        else if (*r) ++accepted;
        else ++refused;
      }
    });
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(accepted.load(), 20);
  EXPECT_EQ(refused.load(), 20 * (kThreads - 1));
}

TEST_F(SqliteLedgerTest, SpendCallbacksRunAfterTheCommitInSubmissionOrder) {
  // Spend returns at once; `done` runs on the writer thread once the group is durable.
  std::mutex mu;
  std::condition_variable cv;
  std::vector<int> order;
  for (int i = 0; i < 50; ++i)
    store().Spend("cb-" + std::to_string(i), 5000, [&, i](Result<bool> r) {
      EXPECT_TRUE(r.ok() && *r);
      std::lock_guard lock(mu);
      order.push_back(i);
      cv.notify_all();
    });
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return order.size() == 50u; });
  for (int i = 0; i < 50; ++i) EXPECT_EQ(order[static_cast<size_t>(i)], i);
}

TEST_F(SqliteLedgerTest, LegacyPlaintextSignaturesBecomeDigests) {
  // A file written by the previous version: spent signatures as lowercase hex text.
  store_.reset();
  RawQuery(signatures_path(), R"sql(
DROP TABLE IF EXISTS spent_signatures;
CREATE TABLE used_signatures (
  keep_until INTEGER NOT NULL,
  signature  TEXT NOT NULL,
  PRIMARY KEY (keep_until, signature)
) STRICT, WITHOUT ROWID;
INSERT INTO used_signatures VALUES (100, 'aa11'), (9000, 'bb22'), (9000, 'cc33');
)sql");
  SqliteOptions options;
  options.path = db_path();
  std::atomic<int> calls{0};
  options.legacy_signature_digest = [&](std::string_view signature) {
    ++calls;
    return "digest:" + std::string(signature);
  };
  store_ = OpenWith(options);
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(calls.load(), 3);
  EXPECT_TRUE(
      RawQuery(signatures_path(),
               "SELECT name FROM sqlite_schema WHERE name = 'used_signatures'")
          .empty())
      << "no plaintext signature stays in the file";
  EXPECT_EQ(RawQuery(signatures_path(), "SELECT count(*) FROM spent_signatures"),
            std::vector<std::string>{"3"});
  for (const char* digest : {"digest:bb22", "digest:cc33"}) {
    Result<bool> r = SpendAndWait(store(), digest, 9000);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(*r) << digest << " was spent before the upgrade";
  }
  Result<bool> r = SpendAndWait(store(), "digest:dd44", 9000);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(*r);
  // Upgraded once: a reopen finds nothing to move.
  Reopen();
  EXPECT_EQ(calls.load(), 3);
}

TEST_F(SqliteLedgerTest, LegacySignaturesWithoutADigestFunctionAreDropped) {
  store_.reset();
  RawQuery(signatures_path(), R"sql(
CREATE TABLE used_signatures (
  keep_until INTEGER NOT NULL,
  signature  TEXT NOT NULL,
  PRIMARY KEY (keep_until, signature)
) STRICT, WITHOUT ROWID;
INSERT INTO used_signatures VALUES (9000, 'bb22');
)sql");
  Reopen();
  EXPECT_TRUE(
      RawQuery(signatures_path(),
               "SELECT name FROM sqlite_schema WHERE name = 'used_signatures'")
          .empty());
  EXPECT_EQ(RawQuery(signatures_path(), "SELECT count(*) FROM spent_signatures"),
            std::vector<std::string>{"0"});
}

}  // namespace
}  // namespace senderid::sqlite
