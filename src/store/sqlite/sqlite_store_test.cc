// Tests for the embedded store: group commit under concurrency, per-write rollback inside a group,
// read-your-writes, durability across a reopen, idempotent migrations. Rows are written through the
// Store port (accounts are the simplest rows to make in bulk).

#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/testing.h"

namespace senderid::sqlite {
namespace {

Account MakeAccount(const std::string& id, int limit = 5) {
  Account a;
  a.account_id = id;
  a.name = "name-" + id;
  a.limit = limit;
  a.date_created = 1000;
  a.date_updated = 2000;
  return a;
}

class SqliteStoreTest : public test::SqliteStoreFixture {
 protected:
  Status Insert(const std::string& id) {
    return store().Write([&](StoreWriter& w) { return w.InsertAccount(MakeAccount(id)); });
  }

  // Whether the account row exists, read through a fresh read transaction of `s`.
  bool Exists(Store& s, const std::string& id) {
    bool found = false;
    Status st = s.Read([&](StoreReader& r) -> Status {
      SID_ASSIGN_OR_RETURN(std::optional<Account> a, r.FindAccount(id));
      found = a.has_value();
      return OkStatus();
    });
    EXPECT_TRUE(st.ok()) << st.error().message;
    return found;
  }
  bool Exists(const std::string& id) { return Exists(store(), id); }
};

TEST_F(SqliteStoreTest, WriteThenReadRoundTripsAnAccount) {
  ASSERT_TRUE(Insert("12345678").ok());
  Status st = store().Read([&](StoreReader& r) -> Status {
    SID_ASSIGN_OR_RETURN(std::optional<Account> a, r.FindAccount("12345678"));
    EXPECT_TRUE(a.has_value());
    if (a) {
      EXPECT_EQ(a->name, "name-12345678");
      EXPECT_EQ(a->limit, 5);
      EXPECT_EQ(a->state, ActiveState::kActive);
      EXPECT_EQ(a->date_created, 1000);
      EXPECT_EQ(a->date_updated, 2000);
    }
    SID_ASSIGN_OR_RETURN(std::optional<Account> none, r.FindAccount("99999999"));
    EXPECT_FALSE(none.has_value());
    return OkStatus();
  });
  ASSERT_TRUE(st.ok()) << st.error().message;
}

TEST_F(SqliteStoreTest, InsertingAnExistingAccountIsConflict) {
  ASSERT_TRUE(Insert("12345678").ok());
  Status st = Insert("12345678");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kConflict);
}

TEST_F(SqliteStoreTest, ReadSeesWhatAWriteCommittedAtOnce) {
  // Every Write returns only once durable and visible: a read right after must see it, also from a
  // reader connection that existed (and was pooled) before the write.
  ASSERT_FALSE(Exists("10000000"));  // warms a pooled reader
  for (int i = 0; i < 20; ++i) {
    const std::string id = std::to_string(10000000 + i);
    ASSERT_TRUE(Insert(id).ok());
    EXPECT_TRUE(Exists(id)) << id;
  }
}

TEST_F(SqliteStoreTest, DomainErrorOfAWriteComesBackUnchangedAndLeavesNothing) {
  Status st = store().Write([&](StoreWriter& w) -> Status {
    SID_TRY(w.InsertAccount(MakeAccount("11111111")));
    SID_TRY(w.InsertAccount(MakeAccount("22222222")));
    return Error(ErrorCode::kLimitExceeded, "changed my mind");
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kLimitExceeded);
  EXPECT_EQ(st.error().message, "changed my mind");
  EXPECT_FALSE(Exists("11111111"));
  EXPECT_FALSE(Exists("22222222"));
  // The writer is still healthy.
  ASSERT_TRUE(Insert("33333333").ok());
  EXPECT_TRUE(Exists("33333333"));
}

TEST_F(SqliteStoreTest, ReadErrorComesBackUnchanged) {
  Status st = store().Read([](StoreReader&) -> Status {
    return Error(ErrorCode::kInvalidSenderId, "nope");
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidSenderId);
}

TEST_F(SqliteStoreTest, GroupCommitUnderConcurrency) {
  constexpr int kThreads = 16, kPerThread = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = std::to_string(20000000 + t * 1000 + i);
        if (!Insert(id).ok()) ++failures;
      }
    });
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  int found = 0;
  Status st = store().Read([&](StoreReader& r) -> Status {
    for (int t = 0; t < kThreads; ++t)
      for (int i = 0; i < kPerThread; ++i) {
        SID_ASSIGN_OR_RETURN(std::optional<Account> a,
                             r.FindAccount(std::to_string(20000000 + t * 1000 + i)));
        if (a) ++found;
      }
    return OkStatus();
  });
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(found, kThreads * kPerThread);
}

TEST_F(SqliteStoreTest, FailingWritesRollBackAloneAmongConcurrentGoodOnes) {
  // Every third write inserts its row and then fails; with 16 writers, groups mix good and failing
  // writes. Every good row must survive, no failing row may remain.
  constexpr int kThreads = 16, kPerThread = 30;
  std::atomic<int> wrong_answers{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = std::to_string(30000000 + t * 1000 + i);
        const bool fail = i % 3 == 0;
        Status st = store().Write([&](StoreWriter& w) -> Status {
          SID_TRY(w.InsertAccount(MakeAccount(id)));
          if (fail) return Error(ErrorCode::kValidationError, "planned failure");
          return OkStatus();
        });
        if (st.ok() == fail) ++wrong_answers;
        if (!st.ok() && st.error().code != ErrorCode::kValidationError) ++wrong_answers;
      }
    });
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(wrong_answers.load(), 0);
  int good = 0, bad = 0;
  Status st = store().Read([&](StoreReader& r) -> Status {
    for (int t = 0; t < kThreads; ++t)
      for (int i = 0; i < kPerThread; ++i) {
        SID_ASSIGN_OR_RETURN(std::optional<Account> a,
                             r.FindAccount(std::to_string(30000000 + t * 1000 + i)));
        if (a && i % 3 == 0) ++bad;
        if (a && i % 3 != 0) ++good;
      }
    return OkStatus();
  });
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(good, kThreads * (kPerThread - kPerThread / 3));
}

TEST_F(SqliteStoreTest, FailingWriteInTheMiddleOfAGroup) {
  // The first write holds the writer thread until the others have been submitted, so that the
  // failing write and the good ones around it are committed as one group (barring a thread that
  // signalled but has not reached its queue push yet: grouping is not observable through the port,
  // and the assertions hold either way).
  std::mutex mu;
  std::condition_variable cv;
  bool blocker_running = false;
  int submitted = 0;
  bool release = false;
  std::thread blocker([&] {
    Status st = store().Write([&](StoreWriter& w) -> Status {
      std::unique_lock lock(mu);
      blocker_running = true;
      cv.notify_all();
      cv.wait(lock, [&] { return release; });
      return w.InsertAccount(MakeAccount("40000000"));
    });
    EXPECT_TRUE(st.ok());
  });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return blocker_running; });
  }
  std::vector<std::thread> writers;
  std::vector<Status> results(5, OkStatus());
  for (int i = 0; i < 5; ++i)
    writers.emplace_back([&, i] {
      {
        std::lock_guard lock(mu);
        ++submitted;
      }
      cv.notify_all();
      results[static_cast<size_t>(i)] = store().Write([&, i](StoreWriter& w) -> Status {
        SID_TRY(w.InsertAccount(MakeAccount(std::to_string(40000001 + i))));
        if (i == 2) return Error(ErrorCode::kConflict, "the bad one");
        return OkStatus();
      });
    });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return submitted == 5; });
    release = true;
  }
  cv.notify_all();
  for (std::thread& th : writers) th.join();
  blocker.join();
  for (int i = 0; i < 5; ++i) {
    const std::string id = std::to_string(40000001 + i);
    if (i == 2) {
      ASSERT_FALSE(results[2].ok());
      EXPECT_EQ(results[2].error().code, ErrorCode::kConflict);
      EXPECT_FALSE(Exists(id)) << "the failing write left its row behind";
    } else {
      EXPECT_TRUE(results[static_cast<size_t>(i)].ok()) << i;
      EXPECT_TRUE(Exists(id)) << id;
    }
  }
  EXPECT_TRUE(Exists("40000000"));
}

TEST_F(SqliteStoreTest, ReopenKeepsEverything) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(Insert(std::to_string(50000000 + i)).ok());
  Status st = store().Write([](StoreWriter& w) -> Status {
    SID_ASSIGN_OR_RETURN(bool fresh, w.RecordSignature("abc123", 999));
    EXPECT_TRUE(fresh);
    return OkStatus();
  });
  ASSERT_TRUE(st.ok());
  Reopen();
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(Exists(std::to_string(50000000 + i))) << i;
  st = store().Write([](StoreWriter& w) -> Status {
    SID_ASSIGN_OR_RETURN(bool fresh, w.RecordSignature("abc123", 999));
    EXPECT_FALSE(fresh) << "spent signatures survive a restart";
    return OkStatus();
  });
  ASSERT_TRUE(st.ok());
}

TEST_F(SqliteStoreTest, MigrationsAreIdempotent) {
  ASSERT_TRUE(Insert("60000000").ok());
  Reopen();
  Reopen();
  EXPECT_TRUE(Exists("60000000"));
  // A second instance on the same file while the first is open (two servers, or the CLI).
  std::unique_ptr<SqliteStore> second = test::OpenStore(db_path());
  ASSERT_NE(second, nullptr);
  EXPECT_TRUE(Exists(*second, "60000000"));
  ASSERT_TRUE(second->Write([](StoreWriter& w) { return w.InsertAccount(MakeAccount("60000001")); })
                  .ok());
  EXPECT_TRUE(Exists("60000001")) << "one instance sees the other's writes at once";
}

TEST_F(SqliteStoreTest, ConcurrentFirstOpensOfOneFileAllSucceed) {
  // Several processes may start against a fresh file at once; each migrates or sees it migrated.
  test::TempDir dir;
  const std::string path = dir.File("fresh.db");
  std::vector<std::unique_ptr<SqliteStore>> stores(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < stores.size(); ++i)
    threads.emplace_back([&, i] { stores[i] = test::OpenStore(path); });
  for (std::thread& t : threads) t.join();
  for (size_t i = 0; i < stores.size(); ++i) {
    ASSERT_NE(stores[i], nullptr) << i;
    EXPECT_TRUE(stores[i]
                    ->Write([&](StoreWriter& w) {
                      return w.InsertAccount(MakeAccount(std::to_string(70000000 + i)));
                    })
                    .ok());
  }
  for (size_t i = 0; i < stores.size(); ++i)
    EXPECT_TRUE(Exists(*stores[0], std::to_string(70000000 + i)));
}

TEST_F(SqliteStoreTest, OpenFailsCleanlyOnAnUnusablePath) {
  sqlite::SqliteOptions options;
  options.path = dir_.File("no/such/dir/x.db");
  Result<std::unique_ptr<SqliteStore>> s = SqliteStore::Open(options);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kServiceUnavailable);
}

TEST_F(SqliteStoreTest, SignaturesAreRecordedOnceAndPrunedByKeepUntil) {
  // The port lets adapters key on (signature, keep_until): one signature always comes with one
  // keep_until, because both derive from the signed date text.
  Status st = store().Write([](StoreWriter& w) -> Status {
    SID_ASSIGN_OR_RETURN(bool a, w.RecordSignature("sig-a", 100));
    SID_ASSIGN_OR_RETURN(bool b, w.RecordSignature("sig-b", 200));
    SID_ASSIGN_OR_RETURN(bool a2, w.RecordSignature("sig-a", 100));
    EXPECT_TRUE(a);
    EXPECT_TRUE(b);
    EXPECT_FALSE(a2);
    SID_ASSIGN_OR_RETURN(int pruned, w.PruneSignatures(100));
    EXPECT_EQ(pruned, 0) << "keep_until 100 is kept at 100";
    SID_ASSIGN_OR_RETURN(pruned, w.PruneSignatures(101));
    EXPECT_EQ(pruned, 1);
    SID_ASSIGN_OR_RETURN(bool again, w.RecordSignature("sig-a", 100));
    EXPECT_TRUE(again) << "pruned: may be recorded anew";
    SID_ASSIGN_OR_RETURN(bool b2, w.RecordSignature("sig-b", 200));
    EXPECT_FALSE(b2);
    return OkStatus();
  });
  ASSERT_TRUE(st.ok()) << st.error().message;
}

TEST_F(SqliteStoreTest, SenderIdRoundTripWithLogInOrder) {
  ASSERT_TRUE(Insert("80000000").ok());
  SenderId e;
  e.handle_key = "SED20260203153045ABCDEFGHIJKLMNO";
  e.account_id = "80000000";
  e.phone_number = "01012345678";
  e.status = NumberStatus::kPending;
  e.expire_at = 5000;
  e.log = {{10, "first"}, {20, "두 번째"}};
  e.date_created = 10;
  e.date_updated = 20;
  Status st = store().Write([&](StoreWriter& w) -> Status {
    SID_TRY(w.InsertSenderId(e));
    for (int i = 0; i < 12; ++i) SID_TRY(w.AppendLog(e.handle_key, {30 + i, "line " + std::to_string(i)}));
    return OkStatus();
  });
  ASSERT_TRUE(st.ok()) << st.error().message;
  st = store().Read([&](StoreReader& r) -> Status {
    SID_ASSIGN_OR_RETURN(std::optional<SenderId> got, r.FindSenderId("80000000", "01012345678"));
    SID_ASSIGN_OR_RETURN(std::vector<SenderId> all, r.ListSenderIds("80000000"));
    EXPECT_TRUE(got.has_value());
    EXPECT_EQ(all.size(), 1u);
    for (const SenderId* s : {got ? &*got : nullptr, all.empty() ? nullptr : &all[0]}) {
      if (s == nullptr) continue;
      EXPECT_EQ(s->handle_key, e.handle_key);
      EXPECT_EQ(s->status, NumberStatus::kPending);
      EXPECT_EQ(s->method, VerificationMethod::kNone);
      EXPECT_EQ(s->expire_at, 5000);
      EXPECT_FALSE(s->duplicate_unlocked);
      EXPECT_EQ(s->log.size(), 14u);
      if (s->log.size() == 14u) {
        EXPECT_EQ(s->log[1].message, "두 번째");
        // Ordered by sequence, not lexically ("line 10" sorts before "line 2").
        for (int i = 0; i < 12; ++i)
          EXPECT_EQ(s->log[static_cast<size_t>(2 + i)].message, "line " + std::to_string(i));
      }
    }
    SID_ASSIGN_OR_RETURN(std::optional<SenderId> other, r.FindSenderId("99999999", "01012345678"));
    EXPECT_FALSE(other.has_value()) << "scoped to the account";
    return OkStatus();
  });
  ASSERT_TRUE(st.ok()) << st.error().message;
  // Deleting removes the entry with its log.
  st = store().Write([&](StoreWriter& w) { return w.DeleteSenderId(e.handle_key); });
  ASSERT_TRUE(st.ok()) << st.error().message;
  st = store().Read([&](StoreReader& r) -> Status {
    SID_ASSIGN_OR_RETURN(std::vector<SenderId> all, r.ListSenderIds("80000000"));
    EXPECT_TRUE(all.empty());
    return OkStatus();
  });
  ASSERT_TRUE(st.ok());
}

}  // namespace
}  // namespace senderid::sqlite
