#pragma once
// Helpers shared by the SQLite adapter's tests (header-only, tests only): rows that are cheap to
// make, opening a store with chosen options, plain SQL on a file behind the store's back, and a
// fixture over test::SqliteStoreFixture (a real store in a fresh directory, reopenable).

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.h"
#include "tests/unit/testing.h"

namespace senderid::sqlite::sqlite_test {

inline Account MakeAccount(const std::string& id, int limit = 5) {
  Account a;
  a.account_id = id;
  a.name = "name-" + id;
  a.limit = limit;
  a.date_created = 1000;
  a.date_updated = 2000;
  return a;
}

inline EventRecord MakeEvent(const std::string& account_id, const std::string& event_id,
                             EventType type = EventType::kSenderIdCreated, TimeMs at = 1000,
                             const std::string& subject = "SED1") {
  EventRecord e;
  e.event_id = event_id;
  e.account_id = account_id;
  e.type = type;
  e.subject = subject;
  e.date_created = at;
  e.data = R"({"x":1})";
  return e;
}

// Opens a store with options of the test's choosing; a test failure (and nullptr) when that fails.
inline std::unique_ptr<SqliteStore> OpenWith(SqliteOptions options) {
  options.synchronous_full = false;  // as test::OpenStore: a reopen simulates a process crash only
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(options);
  if (!store.ok()) {
    ADD_FAILURE() << "SqliteStore::Open(" << options.path << "): " << store.error().message;
    return nullptr;
  }
  return std::move(store).value();
}

// Runs `sql` on the file at `path` with a plain connection of its own (setting up old layouts,
// looking at the schema behind the store's back). Returns the first column of every row.
inline std::vector<std::string> RawQuery(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::string> rows;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    ADD_FAILURE() << "open " << path << ": " << sqlite3_errmsg(db);
    sqlite3_close(db);
    return rows;
  }
  char* err = nullptr;
  const int rc = sqlite3_exec(
      db, sql.c_str(),
      [](void* out, int columns, char** values, char**) {
        if (columns > 0)
          static_cast<std::vector<std::string>*>(out)->push_back(values[0] ? values[0] : "NULL");
        return 0;
      },
      &rows, &err);
  if (rc != SQLITE_OK) ADD_FAILURE() << sql << ": " << (err ? err : "?");
  sqlite3_free(err);
  sqlite3_close(db);
  return rows;
}

class SqliteTest : public test::SqliteStoreFixture {
 protected:
  Status Insert(const std::string& id) { return Insert(store(), id); }
  static Status Insert(Store& s, const std::string& id) {
    return s.Write([&](WriteTx& tx) { return tx.accounts().Insert(MakeAccount(id)); });
  }

  // Whether the account row exists, read through a fresh read transaction of `s`.
  bool Exists(Store& s, const std::string& id) {
    bool found = false;
    Status st = s.Read([&](ReadTx& tx) -> Status {
      SID_ASSIGN_OR_RETURN(std::optional<Account> a, tx.accounts().Find(id));
      found = a.has_value();
      return OkStatus();
    });
    EXPECT_TRUE(st.ok()) << st.error().message;
    return found;
  }
  bool Exists(const std::string& id) { return Exists(store(), id); }

  // The account's events (all of them), read through `s`.
  std::vector<EventRecord> Events(Store& s, const std::string& account_id) {
    Result<std::vector<EventRecord>> events =
        ReadValue<std::vector<EventRecord>>(s, [&](ReadTx& tx) {
          return tx.events().List(account_id, 0, {}, 1000000);
        });
    EXPECT_TRUE(events.ok()) << events.error().message;
    return events.ok() ? std::move(events).value() : std::vector<EventRecord>();
  }

  std::string signatures_path() const { return dir_.File("senderid-signatures.db"); }
};


}  // namespace senderid::sqlite::sqlite_test
