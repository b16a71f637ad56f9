// Tests for the SQLite repositories where SQL decides the outcome: rows round-trip whole (binary
// secrets, complete entries with logs in order and their review requests), every taken key is
// kAlreadyExists, documents' use follows their requests, and the event log's gap-free per-account
// sequence under concurrency, across a reopen and after pruning.

#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "store/sqlite/sqlite_testing.h"

namespace senderid::sqlite {
namespace {

using sqlite_test::MakeEvent;

class SqliteRepositoriesTest : public sqlite_test::SqliteTest {};

TEST_F(SqliteRepositoriesTest, WriteThenReadRoundTripsAnAccountAndItsKeys) {
  ASSERT_TRUE(Insert("12345678").ok());
  StoredApiKey key;
  key.api_key = "KEY1";
  key.account_id = "12345678";
  key.sealed_secret = std::string("\x00\x01sealed", 8);
  key.scopes = kScopeRead | kScopeWrite;
  key.date_created = 1500;
  StoredApiKey older = key;
  older.api_key = "KEY0";
  older.scopes = kScopeRead;
  older.date_created = 1400;
  ASSERT_TRUE(store()
                  .Write([&](WriteTx& tx) -> Status {
                    SID_TRY(tx.accounts().InsertKey(key));
                    SID_TRY(tx.accounts().InsertKey(older));
                    return tx.accounts().SetKeyState("KEY0", ActiveState::kInactive);
                  })
                  .ok());
  Status st = store().Read([&](ReadTx& tx) -> Status {
    SID_ASSIGN_OR_RETURN(std::optional<Account> a, tx.accounts().Find("12345678"));
    EXPECT_TRUE(a.has_value());
    if (a) {
      EXPECT_EQ(a->name, "name-12345678");
      EXPECT_EQ(a->limit, 5);
      EXPECT_EQ(a->state, ActiveState::kActive);
      EXPECT_EQ(a->date_created, 1000);
      EXPECT_EQ(a->date_updated, 2000);
    }
    SID_ASSIGN_OR_RETURN(std::optional<Account> none, tx.accounts().Find("99999999"));
    EXPECT_FALSE(none.has_value());
    SID_ASSIGN_OR_RETURN(std::optional<StoredApiKey> k, tx.accounts().FindKey("KEY1"));
    EXPECT_TRUE(k.has_value());
    if (k) {
      EXPECT_EQ(k->sealed_secret, key.sealed_secret) << "binary secrets survive";
      EXPECT_EQ(k->scopes, kScopeRead | kScopeWrite);
      EXPECT_EQ(k->state, ActiveState::kActive);
    }
    SID_ASSIGN_OR_RETURN(std::vector<StoredApiKey> keys, tx.accounts().ListKeys("12345678"));
    EXPECT_EQ(keys.size(), 2u);
    if (keys.size() == 2u) {
      EXPECT_EQ(keys[0].api_key, "KEY0") << "by date_created";
      EXPECT_EQ(keys[0].state, ActiveState::kInactive);
      EXPECT_EQ(keys[1].api_key, "KEY1");
    }
    return OkStatus();
  });
  ASSERT_TRUE(st.ok()) << st.error().message;
}

TEST_F(SqliteRepositoriesTest, InsertingAnExistingAccountIsAlreadyExists) {
  ASSERT_TRUE(Insert("12345678").ok());
  Status st = Insert("12345678");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kAlreadyExists);
}

TEST_F(SqliteRepositoriesTest, EveryDuplicateInsertIsAlreadyExists) {
  // The ports promise kAlreadyExists for a taken key; SQLite reports unique and primary-key
  // constraints alike, on every table.
  ASSERT_TRUE(Insert("12345678").ok());
  SenderId entry;
  entry.handle_key = "SED1";
  entry.account_id = "12345678";
  entry.phone_number = "01012345678";
  Document doc;
  doc.document_id = "DOC1";
  doc.account_id = "12345678";
  doc.name = "blob1.png";
  MfaTransaction mfa;
  mfa.transaction_id = "t1";
  mfa.account_id = "12345678";
  mfa.handle_key = "SED1";
  mfa.phone_number = "01012345678";
  mfa.code_hash = "h";
  ReviewRequest review;
  review.request_id = "APD1";
  review.account_id = "12345678";
  StoredApiKey key;
  key.api_key = "KEY1";
  key.account_id = "12345678";
  ASSERT_TRUE(store()
                  .Write([&](WriteTx& tx) -> Status {
                    SID_TRY(tx.accounts().InsertKey(key));
                    SID_TRY(tx.numbers().Insert(entry));
                    SID_TRY(tx.documents().Insert(doc));
                    SID_TRY(tx.verifications().Insert(mfa));
                    SID_TRY(tx.reviews().Insert(review));
                    SID_TRY(tx.events().Append(MakeEvent("12345678", "EVT1")));
                    return OkStatus();
                  })
                  .ok());
  SenderId same_number = entry;
  same_number.handle_key = "SED2";
  SenderId same_key = entry;
  same_key.phone_number = "01099998888";
  Document same_name = doc;
  same_name.document_id = "DOC2";
  const std::vector<std::pair<std::string, Store::WriteFn>> cases = {
      {"key", [&](WriteTx& tx) { return tx.accounts().InsertKey(key); }},
      {"number of the account", [&](WriteTx& tx) { return tx.numbers().Insert(same_number); }},
      {"handle key", [&](WriteTx& tx) { return tx.numbers().Insert(same_key); }},
      {"document id", [&](WriteTx& tx) { return tx.documents().Insert(doc); }},
      {"document name", [&](WriteTx& tx) { return tx.documents().Insert(same_name); }},
      {"transaction id", [&](WriteTx& tx) { return tx.verifications().Insert(mfa); }},
      {"request id", [&](WriteTx& tx) { return tx.reviews().Insert(review); }},
      {"event id",
       [&](WriteTx& tx) -> Status {
         SID_TRY(tx.events().Append(MakeEvent("12345678", "EVT1")));
         return OkStatus();
       }},
  };
  for (const auto& [what, fn] : cases) {
    Status st = store().Write(fn);
    ASSERT_FALSE(st.ok()) << what;
    EXPECT_EQ(st.error().code, ErrorCode::kAlreadyExists) << what << ": " << st.error().message;
  }
  // The failed event append gave its sequence back: the next one is 2, not 3.
  Result<int64_t> next = WriteValue<int64_t>(store(), [](WriteTx& tx) {
    return tx.events().Append(MakeEvent("12345678", "EVT2"));
  });
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(*next, 2);
}

TEST_F(SqliteRepositoriesTest, SenderIdRoundTripWithLogInOrderAndReviewRequests) {
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
  auto request = [&](const std::string& id, ReviewKind kind, TimeMs at) {
    ReviewRequest r;
    r.request_id = id;
    r.kind = kind;
    r.account_id = e.account_id;
    r.handle_key = e.handle_key;
    r.phone_number = e.phone_number;
    r.documents = {"DOC2", "DOC1"};
    r.date_created = at;
    r.date_updated = at;
    return r;
  };
  Status st = store().Write([&](WriteTx& tx) -> Status {
    SID_TRY(tx.numbers().Insert(e));
    for (int i = 0; i < 12; ++i)
      SID_TRY(tx.numbers().AppendLog(e.handle_key, {30 + i, "line " + std::to_string(i)}));
    SID_TRY(tx.reviews().Insert(request("APD2", ReviewKind::kApproval, 200)));
    SID_TRY(tx.reviews().Insert(request("APD1", ReviewKind::kApproval, 100)));
    SID_TRY(tx.reviews().Insert(request("DUP1", ReviewKind::kDuplicate, 100)));
    SID_TRY(tx.reviews().Insert(request("DUP2", ReviewKind::kDuplicate, 300)));
    return OkStatus();
  });
  ASSERT_TRUE(st.ok()) << st.error().message;
  st = store().Read([&](ReadTx& tx) -> Status {
    SID_ASSIGN_OR_RETURN(std::optional<SenderId> got,
                         tx.numbers().Find("80000000", "01012345678"));
    SID_ASSIGN_OR_RETURN(std::vector<SenderId> all, tx.numbers().List("80000000"));
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
      EXPECT_EQ(s->approvals.size(), 2u);
      if (s->approvals.size() == 2u) {
        EXPECT_EQ(s->approvals[0].request_id, "APD1") << "oldest first";
        EXPECT_EQ(s->approvals[0].documents, (std::vector<std::string>{"DOC2", "DOC1"}));
      }
      EXPECT_TRUE(s->unlock.has_value());
      if (s->unlock) {
        EXPECT_EQ(s->unlock->request_id, "DUP2") << "the latest";
      }
    }
    SID_ASSIGN_OR_RETURN(std::optional<SenderId> other,
                         tx.numbers().Find("99999999", "01012345678"));
    EXPECT_FALSE(other.has_value()) << "scoped to the account";
    SID_ASSIGN_OR_RETURN(std::vector<SenderId> by_number, tx.numbers().ListByNumber("01012345678"));
    EXPECT_EQ(by_number.size(), 1u);
    if (!by_number.empty()) {
      EXPECT_TRUE(by_number[0].log.empty()) << "status checks only";
    }
    return OkStatus();
  });
  ASSERT_TRUE(st.ok()) << st.error().message;
  // Deleting removes the entry with its log; its requests stay for the record.
  st = store().Write([&](WriteTx& tx) { return tx.numbers().Delete(e.handle_key); });
  ASSERT_TRUE(st.ok()) << st.error().message;
  st = store().Read([&](ReadTx& tx) -> Status {
    SID_ASSIGN_OR_RETURN(std::vector<SenderId> all, tx.numbers().List("80000000"));
    EXPECT_TRUE(all.empty());
    SID_ASSIGN_OR_RETURN(std::optional<ReviewRequest> kept, tx.reviews().Find("APD1"));
    EXPECT_TRUE(kept.has_value());
    return OkStatus();
  });
  ASSERT_TRUE(st.ok());
}

TEST_F(SqliteRepositoriesTest, DocumentsCountAndUseFollowTheirRequests) {
  ASSERT_TRUE(Insert("81000000").ok());
  Status st = store().Write([](WriteTx& tx) -> Status {
    for (int i = 1; i <= 3; ++i) {
      Document d;
      d.document_id = "DOC" + std::to_string(i);
      d.account_id = "81000000";
      d.name = "blob" + std::to_string(i) + ".png";
      SID_TRY(tx.documents().Insert(d));
    }
    ReviewRequest r;
    r.request_id = "APD1";
    r.account_id = "81000000";
    r.documents = {"DOC2"};
    return tx.reviews().Insert(r);
  });
  ASSERT_TRUE(st.ok()) << st.error().message;
  auto in_use = [&]() {
    return ReadValue<bool>(store(), [](ReadTx& tx) -> Result<bool> {
      SID_ASSIGN_OR_RETURN(std::optional<Document> d, tx.documents().Find("81000000", "DOC2"));
      if (!d) return Error(ErrorCode::kNotFound, "DOC2");
      return d->use;
    });
  };
  Result<int> count = ReadValue<int>(store(), [](ReadTx& tx) {
    return tx.documents().Count("81000000");
  });
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 3);
  ASSERT_TRUE(in_use().ok());
  EXPECT_TRUE(*in_use());
  ASSERT_TRUE(
      store().Write([](WriteTx& tx) { return tx.reviews().ReleaseDocuments("APD1"); }).ok());
  EXPECT_FALSE(*in_use());
}

TEST_F(SqliteRepositoriesTest, EventSequencesHaveNoGapUnderConcurrencyAndAcrossAReopen) {
  // Many threads append to two accounts at once (several events per write, some writes failing):
  // each account's sequences are exactly 1..N, in commit order, and go on at N+1 after a restart
  // and after its old events are pruned.
  const std::vector<std::string> accounts = {"90000001", "90000002"};
  for (const std::string& a : accounts) ASSERT_TRUE(Insert(a).ok());
  constexpr int kThreads = 8, kPerThread = 25;
  std::atomic<int> failures{0};
  std::mutex mu;
  std::map<std::string, std::set<int64_t>> returned;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string& account = accounts[static_cast<size_t>((t + i) % 2)];
        const std::string id = "EVT" + std::to_string(t) + "-" + std::to_string(i);
        const bool fail = i % 5 == 4;
        std::vector<int64_t> got;
        Status st = store().Write([&](WriteTx& tx) -> Status {
          got.clear();
          for (const char* part : {"a", "b"}) {
            SID_ASSIGN_OR_RETURN(int64_t seq, tx.events().Append(MakeEvent(account, id + part)));
            got.push_back(seq);
          }
          if (fail) return Error(ErrorCode::kValidationError, "planned failure");
          return OkStatus();
        });
        if (st.ok() == fail) ++failures;
        if (!st.ok()) continue;
        if (got.size() != 2u || got[1] != got[0] + 1) ++failures;  // one write's events adjoin
        std::lock_guard lock(mu);
        for (int64_t seq : got)
          if (!returned[account].insert(seq).second) ++failures;
      }
    });
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  std::map<std::string, int64_t> last;
  for (const std::string& a : accounts) {
    const std::vector<EventRecord> events = Events(store(), a);
    ASSERT_FALSE(events.empty());
    for (size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(events[i].sequence, static_cast<int64_t>(i + 1)) << a;
      EXPECT_EQ(events[i].account_id, a);
    }
    EXPECT_EQ(returned[a].size(), events.size()) << "Append returned what List shows";
    last[a] = events.back().sequence;
  }
  EXPECT_EQ(last[accounts[0]] + last[accounts[1]], kThreads * (kPerThread - kPerThread / 5) * 2);

  Reopen();
  Result<int> pruned = WriteValue<int>(store(), [](WriteTx& tx) {
    return tx.events().Prune(1001);  // every event so far is dated 1000
  });
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  EXPECT_EQ(*pruned, static_cast<int>(last[accounts[0]] + last[accounts[1]]));
  Result<int64_t> next = WriteValue<int64_t>(store(), [&](WriteTx& tx) {
    return tx.events().Append(
        MakeEvent(accounts[0], "EVT-after", EventType::kSenderIdCreated, 2000));
  });
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(*next, last[accounts[0]] + 1) << "sequences are never reused";
  const std::vector<EventRecord> events = Events(store(), accounts[0]);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event_id, "EVT-after");
}

TEST_F(SqliteRepositoriesTest, EventListingsFilterByTypeAfterAndLimitAndTimesCountOneSubject) {
  ASSERT_TRUE(Insert("91000000").ok());
  ASSERT_TRUE(Insert("91000001").ok());
  Status st = store().Write([](WriteTx& tx) -> Status {
    const std::string a = "91000000";
    SID_TRY(tx.events().Append(MakeEvent(a, "E1", EventType::kSenderIdCreated, 100, "SED1")));
    SID_TRY(tx.events().Append(MakeEvent(a, "E2", EventType::kSenderIdStatusChanged, 200, "SED1")));
    SID_TRY(tx.events().Append(MakeEvent(a, "E3", EventType::kSenderIdStatusChanged, 300, "SED2")));
    SID_TRY(tx.events().Append(MakeEvent(a, "E4", EventType::kApprovalRequested, 400, "APD1")));
    SID_TRY(tx.events().Append(MakeEvent(a, "E5", EventType::kSenderIdStatusChanged, 500, "SED1")));
    SID_TRY(tx.events().Append(
        MakeEvent("91000001", "F1", EventType::kSenderIdStatusChanged, 250, "SED1")));
    return OkStatus();
  });
  ASSERT_TRUE(st.ok()) << st.error().message;
  auto ids = [](const std::vector<EventRecord>& events) {
    std::vector<std::string> out;
    for (const EventRecord& e : events) out.push_back(e.event_id);
    return out;
  };
  st = store().Read([&](ReadTx& tx) -> Status {
    EventsReader& events = tx.events();
    SID_ASSIGN_OR_RETURN(std::vector<EventRecord> all, events.List("91000000", 0, {}, 100));
    EXPECT_EQ(ids(all), (std::vector<std::string>{"E1", "E2", "E3", "E4", "E5"}));
    if (all.size() == 5u) {
      EXPECT_EQ(all[3].type, EventType::kApprovalRequested);
      EXPECT_EQ(all[3].subject, "APD1");
      EXPECT_EQ(all[3].date_created, 400);
      EXPECT_EQ(all[3].data, R"({"x":1})");
    }
    SID_ASSIGN_OR_RETURN(std::vector<EventRecord> page, events.List("91000000", 2, {}, 2));
    EXPECT_EQ(ids(page), (std::vector<std::string>{"E3", "E4"}));
    SID_ASSIGN_OR_RETURN(
        std::vector<EventRecord> typed,
        events.List("91000000", 0,
                    {EventType::kSenderIdStatusChanged, EventType::kApprovalRequested}, 3));
    EXPECT_EQ(ids(typed), (std::vector<std::string>{"E2", "E3", "E4"})) << "limit counts matches";
    SID_ASSIGN_OR_RETURN(std::vector<EventRecord> none,
                         events.List("91000000", 0, {EventType::kDocumentDeleted}, 10));
    EXPECT_TRUE(none.empty());
    SID_ASSIGN_OR_RETURN(std::vector<TimeMs> times,
                         events.Times("91000000", EventType::kSenderIdStatusChanged, "SED1", 200));
    EXPECT_EQ(times, (std::vector<TimeMs>{200, 500})) << "since is inclusive; one subject only";
    return OkStatus();
  });
  ASSERT_TRUE(st.ok()) << st.error().message;
}

TEST_F(SqliteRepositoriesTest, AnEventForAnUnknownAccountIsInternalError) {
  Status st = store().Write([](WriteTx& tx) -> Status {
    SID_TRY(tx.events().Append(MakeEvent("99999999", "EVT1")));
    return OkStatus();
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInternalError);
}

}  // namespace
}  // namespace senderid::sqlite
