// Tests for what the operator's command line prints (SPEC §10): credentials, accounts, flat field
// objects and the review queue — the only output that names where a document's bytes are on this
// machine ("path"), and only when the CLI asks for it.

#include "json/operator_codec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/unit/core_testing.h"

namespace senderid::json {
namespace {

using nlohmann::ordered_json;
using test::Utc;
using Names = std::vector<std::string>;

const TimeMs kT = Utc(2018, 11, 20, 5, 25, 27, 757);  // "2018-11-20T05:25:27.757Z"

std::vector<std::string> Keys(const ordered_json& j) {
  std::vector<std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) out.push_back(it.key());
  return out;
}

Credentials Creds(unsigned scopes) {
  Credentials c;
  c.account_id = "12925149";
  c.api_key = "NCSABCDEFGHIJ0123";
  c.api_secret = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
  c.scopes = scopes;
  c.limit = 5;
  return c;
}

TEST(EncodeCredentialsTest, NewAccount) {
  EXPECT_EQ(EncodeCredentials(Creds(kScopeRead | kScopeWrite), /*with_account=*/true),
            R"({"accountId":"12925149","apiKey":"NCSABCDEFGHIJ0123",)"
            R"("apiSecret":"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345","limit":5})");
}

TEST(EncodeCredentialsTest, NewKeyListsItsScopes) {
  ordered_json j = ordered_json::parse(EncodeCredentials(Creds(kScopeRead), false));
  EXPECT_EQ(Keys(j), (Names{"apiKey", "apiSecret", "accountId", "scopes"}));
  EXPECT_EQ(j["scopes"], ordered_json::array({"senderid:read"}));
  j = ordered_json::parse(EncodeCredentials(Creds(kScopeRead | kScopeWrite), false));
  EXPECT_EQ(j["scopes"], ordered_json::array({"senderid:read", "senderid:write"}));
  j = ordered_json::parse(EncodeCredentials(Creds(kScopeWrite), false));
  EXPECT_EQ(j["scopes"], ordered_json::array({"senderid:write"}));
}

TEST(EncodeAccountTest, Exactly) {
  Account a;
  a.account_id = "12925149";
  a.name = "테스트 상사";
  a.limit = 7;
  a.state = ActiveState::kInactive;
  a.date_created = kT - kDay;
  a.date_updated = kT;
  EXPECT_EQ(EncodeAccount(a),
            R"({"accountId":"12925149","name":"테스트 상사","limit":7,"status":"INACTIVE",)"
            R"("dateCreated":"2018-11-19T05:25:27.757Z","dateUpdated":"2018-11-20T05:25:27.757Z"})");
}

TEST(EncodeFieldsTest, InTheGivenOrder) {
  EXPECT_EQ(EncodeFields({{"b", "1"}, {"a", "2"}, {"quote", "\"x\""}}),
            R"({"b":"1","a":"2","quote":"\"x\""})");
  EXPECT_EQ(EncodeFields({}), "{}");
}

Document StoredDocument(std::string id, std::string name) {
  Document d;
  d.document_id = std::move(id);
  d.account_id = "12925149";
  d.name = std::move(name);
  d.original_name = "evidence.pdf";
  d.category = "SENDERID_APPROVAL";
  d.content_type = "application/pdf";
  d.size = 2048;
  d.date_created = kT;
  return d;
}

ReviewItem ApprovalItem() {
  ReviewItem item;
  item.account.account_id = "12925149";
  item.account.name = "테스트 상사";
  ReviewRequest& r = item.request;
  r.kind = ReviewKind::kApproval;
  r.request_id = "APD20181120142527ABCDEFGHIJKLMNO";
  r.account_id = "12925149";
  r.handle_key = "SED20181120142527ABCDEFGHIJKLMNO";
  r.phone_number = "01012345678";
  r.documents = {"DOC1", "DOC2"};
  r.date_created = kT;
  r.date_updated = kT;
  item.documents = {StoredDocument("DOC1", "AbCdEfGhIjKlMnO.pdf")};  // DOC2 was deleted
  return item;
}

TEST(EncodeReviewItemTest, ApprovalWithPathsOnlyWhenAsked) {
  ordered_json j = ordered_json::parse(EncodeReviewItem(ApprovalItem(), "/var/lib/senderid/documents"));
  EXPECT_EQ(Keys(j), (Names{"id", "kind", "status", "accountId", "accountName", "phoneNumber",
                            "handleKey", "documents", "reason", "reasonCode", "decidedBy",
                            "dateDecided",
                            "dateCreated", "dateUpdated"}));
  EXPECT_EQ(j["kind"], "approval");
  EXPECT_EQ(j["status"], "PENDING");
  EXPECT_EQ(j["accountName"], "테스트 상사");
  ASSERT_EQ(j["documents"].size(), 2u);
  const ordered_json& found = j["documents"][0];
  EXPECT_EQ(Keys(found),
            (Names{"documentId", "originalName", "category", "contentType", "size", "path"}));
  EXPECT_EQ(found["path"], "/var/lib/senderid/documents/AbCdEfGhIjKlMnO.pdf");
  EXPECT_EQ(found["size"], 2048);
  EXPECT_EQ(j["documents"][1], (ordered_json{{"documentId", "DOC2"}, {"deleted", true}}));
  EXPECT_TRUE(j["reason"].is_null());
  EXPECT_TRUE(j["dateDecided"].is_null());

  // Bytes that are not files on this machine: no path at all.
  j = ordered_json::parse(EncodeReviewItem(ApprovalItem(), ""));
  EXPECT_FALSE(j["documents"][0].contains("path"));
}

TEST(EncodeReviewItemTest, LimitationAndDuplicate) {
  ReviewItem limitation = ApprovalItem();
  limitation.request.kind = ReviewKind::kLimitation;
  limitation.request.limit_requested = 20;
  limitation.request.limit_before_request = 5;
  limitation.request.status = RequestStatus::kApproved;
  limitation.request.decided_by = "operator";
  limitation.request.date_decided = kT + kDay;
  ordered_json j = ordered_json::parse(EncodeReviewItem(limitation, ""));
  EXPECT_FALSE(j.contains("phoneNumber")) << "a limitation is the account's";
  EXPECT_FALSE(j.contains("handleKey"));
  EXPECT_EQ(j["limitRequested"], 20);
  EXPECT_EQ(j["limitBeforeRequest"], 5);
  EXPECT_EQ(j["status"], "APPROVED");
  EXPECT_EQ(j["decidedBy"], "operator");
  EXPECT_EQ(j["dateDecided"], "2018-11-21T05:25:27.757Z");

  ReviewItem unlock = ApprovalItem();
  unlock.request.kind = ReviewKind::kDuplicate;
  unlock.request.contact_name = "홍길동";
  unlock.request.reason_for_requested = "우리 번호입니다";
  unlock.request.documents.clear();
  j = ordered_json::parse(EncodeReviewItem(unlock, "/d"));
  EXPECT_EQ(j["kind"], "duplicate");
  EXPECT_EQ(j["phoneNumber"], "01012345678");
  EXPECT_EQ(j["name"], "홍길동");
  EXPECT_EQ(j["reasonForRequested"], "우리 번호입니다");
  EXPECT_TRUE(j["documents"].empty());
}

TEST(EncodeReviewItemsTest, AnArrayOfItems) {
  const ordered_json j =
      ordered_json::parse(EncodeReviewItems({ApprovalItem(), ApprovalItem()}, "/d"));
  ASSERT_TRUE(j.is_array());
  EXPECT_EQ(j.size(), 2u);
  EXPECT_EQ(j[1]["documents"][0]["path"], "/d/AbCdEfGhIjKlMnO.pdf");
  EXPECT_EQ(EncodeReviewItems({}, "/d"), "[]");
}

}  // namespace
}  // namespace senderid::json
