// DocumentsRepository: evidence documents' rows, their listing filters and the `use` flag that
// review requests set and release.

#include "tests/contract/contract_fixture.h"

namespace senderid::contract {
namespace {

class DocumentsContract : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    AddAccount("1001");
    AddAccount("1002");
  }

  std::optional<Document> Find(const std::string& account_id, const std::string& id) {
    return Query([&](ReadTx& tx) { return tx.documents().Find(account_id, id); });
  }
  // The ids the account's listing under `filter` returns, in order.
  std::vector<std::string> Ids(const DocumentFilter& filter, const std::string& account = "1001") {
    std::vector<std::string> out;
    for (const Document& d :
         Query([&](ReadTx& tx) { return tx.documents().List(account, filter); }))
      out.push_back(d.document_id);
    return out;
  }
  bool InUse(const std::string& id) {
    std::optional<Document> d = Find("1001", id);
    EXPECT_TRUE(d.has_value()) << id;
    return d && d->use;
  }
};
SID_CONTRACT_SUITE(DocumentsContract);

TEST_P(DocumentsContract, InsertedDocumentReadsBackFieldByFieldUnused) {
  Document d = MakeDocument("DOC20260203000001", "1001");
  d.use = true;  // not stored: use comes from the requests
  AddDocument(d);
  d.use = false;
  EXPECT_EQ(Show(Find("1001", d.document_id)), Show(d));
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.documents().List("1001", DocumentFilter{}); })),
            Show(std::vector<Document>{d}));
}

TEST_P(DocumentsContract, UnknownOrOtherAccountsDocumentIsNullopt) {
  AddDocument(MakeDocument("DOC1", "1001"));
  EXPECT_FALSE(Find("1001", "DOC2").has_value());
  EXPECT_FALSE(Find("1002", "DOC1").has_value());
  EXPECT_TRUE(Ids(DocumentFilter{}, "1002").empty());
}

TEST_P(DocumentsContract, InsertingATakenIdOrNameIsAlreadyExists) {
  AddDocument(MakeDocument("DOC1", "1001"));
  Document same_id = MakeDocument("DOC1", "1002");
  same_id.name = "another-name.pdf";
  EXPECT_TRUE(IsError(store().Write([&](WriteTx& tx) { return tx.documents().Insert(same_id); }),
                      ErrorCode::kAlreadyExists));
  Document same_name = MakeDocument("DOC2", "1001");
  same_name.name = MakeDocument("DOC1", "1001").name;
  EXPECT_TRUE(IsError(store().Write([&](WriteTx& tx) { return tx.documents().Insert(same_name); }),
                      ErrorCode::kAlreadyExists));
  EXPECT_EQ(Ids(DocumentFilter{}), std::vector<std::string>{"DOC1"});
}

TEST_P(DocumentsContract, CountAndNameExists) {
  AddDocument(MakeDocument("DOC1", "1001"));
  AddDocument(MakeDocument("DOC2", "1001"));
  AddDocument(MakeDocument("DOC3", "1002"));
  EXPECT_EQ(Query([](ReadTx& tx) { return tx.documents().Count("1001"); }), 2);
  EXPECT_EQ(Query([](ReadTx& tx) { return tx.documents().Count("1002"); }), 1);
  EXPECT_EQ(Query([](ReadTx& tx) { return tx.documents().Count("1003"); }), 0);
  EXPECT_TRUE(Query([](ReadTx& tx) { return tx.documents().NameExists("blob-DOC3.pdf"); }));
  EXPECT_FALSE(Query([](ReadTx& tx) { return tx.documents().NameExists("blob-DOC4.pdf"); }));
}

TEST_P(DocumentsContract, ListIsByDocumentIdDescendingWithEveryFilter) {
  // Ids sort as their creation order would, but the dates are set apart to test the filters.
  AddDocument(MakeDocument("DOC1", "1001", kT0 + 10, "SENDERID_APPROVAL"));
  AddDocument(MakeDocument("DOC2", "1001", kT0 + 20, "TELECOM_CERT"));
  AddDocument(MakeDocument("DOC3", "1001", kT0 + 30, "SENDERID_APPROVAL"));
  AddDocument(MakeDocument("DOC4", "1001", kT0 + 40, "TELECOM_CERT"));
  AddDocument(MakeDocument("DOC5", "1001", kT0 + 50, "SENDERID_APPROVAL"));
  AddDocument(MakeDocument("DOC6", "1002", kT0 + 30, "SENDERID_APPROVAL"));
  AddRequest(MakeRequest("APD1", ReviewKind::kApproval, "1001", "SED1", kT0, {"DOC2", "DOC5"}));

  using V = std::vector<std::string>;
  DocumentFilter f;
  EXPECT_EQ(Ids(f), (V{"DOC5", "DOC4", "DOC3", "DOC2", "DOC1"}));
  f.limit = 2;
  EXPECT_EQ(Ids(f), (V{"DOC5", "DOC4"}));
  f = DocumentFilter{};
  f.document_id = "DOC3";
  EXPECT_EQ(Ids(f), V{"DOC3"});
  f.document_id = "DOC6";  // another account's
  EXPECT_EQ(Ids(f), V{});
  f = DocumentFilter{};
  f.created_from = kT0 + 20;  // inclusive
  f.created_to = kT0 + 40;    // inclusive
  EXPECT_EQ(Ids(f), (V{"DOC4", "DOC3", "DOC2"}));
  f = DocumentFilter{};
  f.category = "TELECOM_CERT";
  EXPECT_EQ(Ids(f), (V{"DOC4", "DOC2"}));
  f = DocumentFilter{};
  f.use = true;
  EXPECT_EQ(Ids(f), (V{"DOC5", "DOC2"}));
  f.use = false;
  EXPECT_EQ(Ids(f), (V{"DOC4", "DOC3", "DOC1"}));
  f.limit = 2;  // the limit counts matches, not rows looked at
  EXPECT_EQ(Ids(f), (V{"DOC4", "DOC3"}));
  f = DocumentFilter{};
  f.start_key = "DOC4";  // inclusive upper bound: the next page starts there
  f.limit = 2;
  EXPECT_EQ(Ids(f), (V{"DOC4", "DOC3"}));
  f.start_key = "DOC35";  // not an id: starts below it
  EXPECT_EQ(Ids(f), (V{"DOC3", "DOC2"}));
  // All together.
  f = DocumentFilter{};
  f.created_from = kT0 + 15;
  f.category = "SENDERID_APPROVAL";
  f.use = false;
  f.start_key = "DOC5";
  EXPECT_EQ(Ids(f), V{"DOC3"});
}

TEST_P(DocumentsContract, UseFollowsTheRequestsThatHaveNotReleasedTheirDocuments) {
  AddDocument(MakeDocument("DOC1", "1001"));
  AddDocument(MakeDocument("DOC2", "1001"));
  EXPECT_FALSE(InUse("DOC1"));
  AddRequest(MakeRequest("APD1", ReviewKind::kApproval, "1001", "SED1", kT0, {"DOC1", "DOC2"}));
  AddRequest(MakeRequest("LID1", ReviewKind::kLimitation, "1001", "", kT0, {"DOC2"}));
  EXPECT_TRUE(InUse("DOC1"));
  EXPECT_TRUE(InUse("DOC2"));

  MustWrite([](WriteTx& tx) { return tx.reviews().ReleaseDocuments("APD1"); });
  EXPECT_FALSE(InUse("DOC1"));
  EXPECT_TRUE(InUse("DOC2"));  // LID1 still holds it
  DocumentFilter used;
  used.use = true;
  EXPECT_EQ(Ids(used), std::vector<std::string>{"DOC2"});

  MustWrite([](WriteTx& tx) { return tx.reviews().ReleaseDocuments("LID1"); });
  EXPECT_FALSE(InUse("DOC2"));
  // Released documents stay listed on their requests.
  EXPECT_EQ(FindRequest("APD1").value_or(ReviewRequest{}).documents,
            (std::vector<std::string>{"DOC1", "DOC2"}));
}

TEST_P(DocumentsContract, DeleteRemovesTheRowAndRequestsStillListIt) {
  AddDocument(MakeDocument("DOC1", "1001"));
  AddDocument(MakeDocument("DOC2", "1001"));
  AddRequest(MakeRequest("APD1", ReviewKind::kApproval, "1001", "SED1", kT0, {"DOC1"}));
  MustWrite([](WriteTx& tx) { return tx.reviews().ReleaseDocuments("APD1"); });
  MustWrite([](WriteTx& tx) { return tx.documents().Delete("DOC1"); });
  EXPECT_FALSE(Find("1001", "DOC1").has_value());
  EXPECT_EQ(Ids(DocumentFilter{}), std::vector<std::string>{"DOC2"});
  EXPECT_FALSE(Query([](ReadTx& tx) { return tx.documents().NameExists("blob-DOC1.pdf"); }));
  EXPECT_EQ(FindRequest("APD1").value_or(ReviewRequest{}).documents,
            std::vector<std::string>{"DOC1"});
}

TEST_P(DocumentsContract, FindAnyFindsADocumentOfAnyAccountWithItsUse) {
  const Document mine = MakeDocument("DOC1", "1001");
  const Document theirs = MakeDocument("DOC2", "1002");
  AddDocument(mine);
  AddDocument(theirs);
  AddRequest(MakeRequest("APD1", ReviewKind::kApproval, "1002", "SED1", kT0, {"DOC2"}));
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.documents().FindAny("DOC1"); })),
            Show(std::optional<Document>(mine)));
  Document used = theirs;
  used.use = true;
  EXPECT_EQ(Show(Query([](ReadTx& tx) { return tx.documents().FindAny("DOC2"); })),
            Show(std::optional<Document>(used)));
  EXPECT_FALSE(Query([](ReadTx& tx) { return tx.documents().FindAny("DOC3"); }).has_value());
}

}  // namespace
}  // namespace senderid::contract
