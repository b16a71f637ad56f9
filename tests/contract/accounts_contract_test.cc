// AccountsRepository: accounts and their API keys.

#include "tests/contract/contract_fixture.h"

namespace senderid::contract {
namespace {

class AccountsContract : public StoreContract {};
SID_CONTRACT_SUITE(AccountsContract);

TEST_P(AccountsContract, InsertedAccountReadsBackFieldByField) {
  Account a = MakeAccount("1001", 7);
  a.state = ActiveState::kInactive;
  MustWrite([&](WriteTx& tx) { return tx.accounts().Insert(a); });
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.accounts().Find("1001"); })), Show(a));
}

TEST_P(AccountsContract, UnknownAccountAndKeyAreNullopt) {
  AddAccount("1001");
  EXPECT_FALSE(Query([](ReadTx& tx) { return tx.accounts().Find("1002"); }).has_value());
  EXPECT_FALSE(Query([](ReadTx& tx) { return tx.accounts().FindKey("AK-none"); }).has_value());
  EXPECT_TRUE(Query([](ReadTx& tx) { return tx.accounts().ListKeys("1001"); }).empty());
}

TEST_P(AccountsContract, InsertingATakenAccountIdIsAlreadyExistsAndKeepsTheRow) {
  AddAccount("1001", 5);
  Status s =
      store().Write([](WriteTx& tx) { return tx.accounts().Insert(MakeAccount("1001", 9)); });
  EXPECT_TRUE(IsError(s, ErrorCode::kAlreadyExists));
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.accounts().Find("1001"); })),
            Show(MakeAccount("1001", 5)));
}

TEST_P(AccountsContract, UpdateStoresNameLimitStateAndDateUpdatedOnly) {
  AddAccount("1001", 5);
  Account changed = MakeAccount("1001", 40);
  changed.name = "새 이름";
  changed.state = ActiveState::kInactive;
  changed.date_created = 1;  // not stored
  changed.date_updated = kT0 + 5000;
  MustWrite([&](WriteTx& tx) { return tx.accounts().Update(changed); });

  Account expected = changed;
  expected.date_created = MakeAccount("1001").date_created;
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.accounts().Find("1001"); })), Show(expected));
}

TEST_P(AccountsContract, KeysReadBackFieldByFieldAndListByDateCreated) {
  AddAccount("1001");
  AddAccount("1002");
  StoredApiKey late = MakeKey("AK-b", "1001", kT0 + 20);
  StoredApiKey early = MakeKey("AK-c", "1001", kT0 + 10);
  early.scopes = kScopeRead;
  early.state = ActiveState::kInactive;
  const StoredApiKey other = MakeKey("AK-a", "1002", kT0);
  MustWrite([&](WriteTx& tx) -> Status {
    SID_TRY(tx.accounts().InsertKey(late));
    SID_TRY(tx.accounts().InsertKey(other));
    return tx.accounts().InsertKey(early);
  });
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.accounts().FindKey("AK-c"); })), Show(early));
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.accounts().ListKeys("1001"); })),
            Show(std::vector<StoredApiKey>{early, late}));
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.accounts().ListKeys("1002"); })),
            Show(std::vector<StoredApiKey>{other}));
}

TEST_P(AccountsContract, InsertingATakenKeyIsAlreadyExists) {
  AddAccount("1001");
  AddAccount("1002");
  MustWrite([](WriteTx& tx) { return tx.accounts().InsertKey(MakeKey("AK-a", "1001")); });
  Status s =
      store().Write([](WriteTx& tx) { return tx.accounts().InsertKey(MakeKey("AK-a", "1002")); });
  EXPECT_TRUE(IsError(s, ErrorCode::kAlreadyExists));
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.accounts().FindKey("AK-a"); })),
            Show(MakeKey("AK-a", "1001")));
}

TEST_P(AccountsContract, SetKeyStateChangesTheStateOnly) {
  AddAccount("1001");
  const StoredApiKey key = MakeKey("AK-a", "1001");
  MustWrite([&](WriteTx& tx) { return tx.accounts().InsertKey(key); });
  MustWrite([](WriteTx& tx) { return tx.accounts().SetKeyState("AK-a", ActiveState::kInactive); });
  StoredApiKey expected = key;
  expected.state = ActiveState::kInactive;
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.accounts().FindKey("AK-a"); })), Show(expected));
  MustWrite([](WriteTx& tx) { return tx.accounts().SetKeyState("AK-a", ActiveState::kActive); });
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.accounts().FindKey("AK-a"); })), Show(key));
}

TEST_P(AccountsContract, ListIsByAccountIdFromAnInclusiveStartWithALimit) {
  for (const char* id : {"1003", "1001", "1004", "1002"}) AddAccount(id);
  const auto ids = [&](std::string_view start, int limit) {
    std::vector<std::string> out;
    for (const Account& a : Query([&](ReadTx& tx) { return tx.accounts().List(start, limit); }))
      out.push_back(a.account_id);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids("", 10), (V{"1001", "1002", "1003", "1004"}));
  EXPECT_EQ(ids("", 2), (V{"1001", "1002"}));
  EXPECT_EQ(ids("1003", 2), (V{"1003", "1004"}));
  EXPECT_EQ(ids("10025", 5), (V{"1003", "1004"}));
  EXPECT_EQ(ids("2", 5), V{});
  EXPECT_EQ(Show(Query([&](ReadTx& tx) { return tx.accounts().List("1001", 1); })),
            Show(std::vector<Account>{MakeAccount("1001")}));
}

}  // namespace
}  // namespace senderid::contract
