// Tests for the wire form (SPEC §3.1/§3.2 shapes, §8 nextKey, §9 error body) and the strict request
// decoding (§1: malformed JSON or wrong types → ValidationError naming the field; empty body = {}).

#include "json/codec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "tests/unit/testing.h"

namespace senderid::json {
namespace {

using nlohmann::ordered_json;
using test::Utc;

const TimeMs kT = Utc(2018, 11, 20, 5, 25, 27, 757);  // "2018-11-20T05:25:27.757Z"

SenderId PendingEntry() {
  SenderId e;
  e.handle_key = "SED20181120142527ABCDEFGHIJKLMNO";
  e.account_id = "12925149";
  e.phone_number = "01000000000";
  e.status = NumberStatus::kPending;
  e.expire_at = kT + 12 * kDay;
  e.log = {{kT, "발신번호를 생성하였습니다."}};
  e.date_created = kT;
  e.date_updated = kT;
  return e;
}

AccountDoc Doc() {
  AccountDoc d;
  d.account.account_id = "12925149";
  d.account.name = "ignored on the wire";
  d.account.limit = 5;
  d.account.date_created = kT - kDay;
  d.account.date_updated = kT;
  return d;
}

std::vector<std::string> Keys(const ordered_json& j) {
  std::vector<std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) out.push_back(it.key());
  return out;
}

using Names = std::vector<std::string>;

// ---------------------------------------------------------------------------------------------
// EncodeAccountDoc

TEST(EncodeAccountDocTest, EmptyDocExactly) {
  EXPECT_EQ(EncodeAccountDoc(Doc()),
            R"({"accountId":"12925149","limit":5,"senderIds":[],"limitationDocuments":[],)"
            R"("dateCreated":"2018-11-19T05:25:27.757Z","dateUpdated":"2018-11-20T05:25:27.757Z"})");
}

TEST(EncodeAccountDocTest, PendingEntryExactly) {
  AccountDoc d = Doc();
  d.sender_ids.push_back(PendingEntry());
  EXPECT_EQ(
      EncodeAccountDoc(d),
      R"({"accountId":"12925149","limit":5,"senderIds":[{"phoneNumber":"01000000000",)"
      R"("handleKey":"SED20181120142527ABCDEFGHIJKLMNO","status":"PENDING","method":null,)"
      R"("expireAt":"2018-12-02T05:25:27.757Z","log":[{"createAt":"2018-11-20T05:25:27.757Z",)"
      R"("message":"발신번호를 생성하였습니다."}],"approvalDocuments":[],)"
      R"("unlockDuplicate":{"duplicateId":null,"reason":null,"reasonForRequested":null,)"
      R"("name":null,"status":null,"dateCreated":null,"dateUpdated":null},)"
      R"("dateCreated":"2018-11-20T05:25:27.757Z","dateUpdated":"2018-11-20T05:25:27.757Z"}],)"
      R"("limitationDocuments":[],"dateCreated":"2018-11-19T05:25:27.757Z",)"
      R"("dateUpdated":"2018-11-20T05:25:27.757Z"})");
}

TEST(EncodeAccountDocTest, FieldNamesAndOrderOfEveryShape) {
  AccountDoc d = Doc();
  SenderId e = PendingEntry();
  e.status = NumberStatus::kActive;
  e.method = VerificationMethod::kArs;
  ReviewRequest a;
  a.kind = ReviewKind::kApproval;
  a.request_id = "APD20181120142527ABCDEFGHIJKLMNO";
  a.documents = {"DOC20181120142527ABCDEFGHIJKLMNO"};
  a.status = RequestStatus::kRejected;
  a.reason = "흐릿함";
  a.date_created = kT;
  a.date_updated = kT + 1;
  e.approvals.push_back(a);
  ReviewRequest u;
  u.kind = ReviewKind::kDuplicate;
  u.request_id = "DUP20181120142527ABCDEFGHIJKLMNO";
  u.reason_for_requested = "우리 번호입니다";
  u.contact_name = "홍길동";
  u.status = RequestStatus::kPending;
  u.date_created = kT;
  u.date_updated = kT;
  e.unlock = u;
  d.sender_ids.push_back(e);
  SenderId dup = PendingEntry();
  dup.phone_number = "01000000001";
  dup.status = NumberStatus::kDuplicated;
  dup.expire_at.reset();
  d.sender_ids.push_back(dup);
  ReviewRequest l;
  l.kind = ReviewKind::kLimitation;
  l.request_id = "LID20181120142527ABCDEFGHIJKLMNO";
  l.documents = {"DOC1", "DOC2"};
  l.limit_requested = 10;
  l.limit_before_request = 5;
  l.date_created = kT;
  l.date_updated = kT;
  d.limitations.push_back(l);

  const ordered_json j = ordered_json::parse(EncodeAccountDoc(d));
  EXPECT_EQ(Keys(j), (Names{"accountId", "limit", "senderIds", "limitationDocuments",
                            "dateCreated", "dateUpdated"}));
  EXPECT_TRUE(j["limit"].is_number_integer());
  ASSERT_EQ(j["senderIds"].size(), 2u);
  const ordered_json& s = j["senderIds"][0];
  EXPECT_EQ(Keys(s), (Names{"phoneNumber", "handleKey", "status", "method", "expireAt", "log",
                            "approvalDocuments", "unlockDuplicate", "dateCreated",
                            "dateUpdated"}));
  EXPECT_EQ(s["status"], "ACTIVE");
  EXPECT_EQ(s["method"], "ARS");
  EXPECT_EQ(Keys(s["log"][0]), (Names{"createAt", "message"}));
  const ordered_json& ap = s["approvalDocuments"][0];
  EXPECT_EQ(Keys(ap), (Names{"approvalId", "documents", "status", "reason", "dateCreated",
                             "dateUpdated"}));
  EXPECT_EQ(ap["status"], "REJECTED");
  EXPECT_EQ(ap["reason"], "흐릿함");
  EXPECT_EQ(ap["documents"], ordered_json::array({"DOC20181120142527ABCDEFGHIJKLMNO"}));
  EXPECT_EQ(ap["dateUpdated"], "2018-11-20T05:25:27.758Z");
  const ordered_json& un = s["unlockDuplicate"];
  EXPECT_EQ(Keys(un), (Names{"duplicateId", "reason", "reasonForRequested", "name", "status",
                             "dateCreated", "dateUpdated"}));
  EXPECT_EQ(un["duplicateId"], "DUP20181120142527ABCDEFGHIJKLMNO");
  EXPECT_TRUE(un["reason"].is_null()) << "no decision yet";
  EXPECT_EQ(un["reasonForRequested"], "우리 번호입니다");
  EXPECT_EQ(un["name"], "홍길동");
  EXPECT_EQ(un["status"], "PENDING");

  const ordered_json& d2 = j["senderIds"][1];
  EXPECT_EQ(d2["status"], "DUPLICATED");
  EXPECT_TRUE(d2["expireAt"].is_null()) << "DUPLICATED: expireAt null";
  EXPECT_TRUE(d2["method"].is_null());

  const ordered_json& lim = j["limitationDocuments"][0];
  EXPECT_EQ(Keys(lim), (Names{"limitationId", "documents", "status", "reason", "limitRequested",
                              "limitBeforeRequest", "dateCreated", "dateUpdated"}));
  EXPECT_EQ(lim["status"], "PENDING");
  EXPECT_TRUE(lim["reason"].is_null());
  EXPECT_EQ(lim["limitRequested"], 10);
  EXPECT_EQ(lim["limitBeforeRequest"], 5);
}

TEST(EncodeAccountDocTest, MethodDocument) {
  AccountDoc d = Doc();
  SenderId e = PendingEntry();
  e.status = NumberStatus::kInactive;
  e.method = VerificationMethod::kDocument;
  d.sender_ids.push_back(e);
  const ordered_json j = ordered_json::parse(EncodeAccountDoc(d));
  EXPECT_EQ(j["senderIds"][0]["method"], "DOCUMENT");
  EXPECT_EQ(j["senderIds"][0]["status"], "INACTIVE");
}

TEST(EncodeAccountDocTest, EveryStatusName) {
  for (NumberStatus st : {NumberStatus::kPending, NumberStatus::kActive, NumberStatus::kInactive,
                          NumberStatus::kDuplicated, NumberStatus::kExpired}) {
    AccountDoc d = Doc();
    SenderId e = PendingEntry();
    e.status = st;
    d.sender_ids.push_back(e);
    const ordered_json j = ordered_json::parse(EncodeAccountDoc(d));
    EXPECT_EQ(j["senderIds"][0]["status"], std::string(ToString(st)));
  }
}

TEST(EncodeAccountDocTest, LogEntriesKeepTheirOrder) {
  AccountDoc d = Doc();
  SenderId e = PendingEntry();
  e.log.push_back({kT + 2000, "second"});
  e.log.push_back({kT + 1000, "third, earlier createAt"});
  d.sender_ids.push_back(e);
  const ordered_json j = ordered_json::parse(EncodeAccountDoc(d));
  const ordered_json& log = j["senderIds"][0]["log"];
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[1]["message"], "second");
  EXPECT_EQ(log[2]["message"], "third, earlier createAt");
  EXPECT_EQ(log[2]["createAt"], "2018-11-20T05:25:28.757Z");
}

TEST(EncodeAccountDocTest, NextKeyOnlyWhenPaged) {
  AccountDoc d = Doc();
  EXPECT_EQ(EncodeAccountDoc(d).find("nextKey"), std::string::npos) << "classic doc";

  d.paged = true;
  d.next_key = "SED20181120142527ABCDEFGHIJKLMNO";
  ordered_json j = ordered_json::parse(EncodeAccountDoc(d));
  EXPECT_EQ(Keys(j).back(), "nextKey");
  EXPECT_EQ(j["nextKey"], "SED20181120142527ABCDEFGHIJKLMNO");

  d.next_key.reset();
  j = ordered_json::parse(EncodeAccountDoc(d));
  ASSERT_TRUE(j.contains("nextKey")) << "last page: nextKey present";
  EXPECT_TRUE(j["nextKey"].is_null()) << "last page: nextKey null";
}

TEST(EncodeAccountDocTest, OutputIsValidUtf8EvenFromBadInput) {
  AccountDoc d = Doc();
  SenderId e = PendingEntry();
  e.log.push_back({kT, std::string("bad \xff\xfe bytes")});
  d.sender_ids.push_back(e);
  std::string out;
  ASSERT_NO_THROW(out = EncodeAccountDoc(d));
  EXPECT_TRUE(ordered_json::accept(out)) << out;
}

TEST(EncodeStringArrayTest, BareArray) {
  EXPECT_EQ(EncodeStringArray({}), "[]");
  EXPECT_EQ(EncodeStringArray({"01000000000", "021234567"}), R"(["01000000000","021234567"])");
}

// ---------------------------------------------------------------------------------------------
// EncodeError

TEST(EncodeErrorTest, WithoutMfa) {
  EXPECT_EQ(EncodeError("InvalidSenderId", "등록된 발신번호 정보를 찾을 수 없습니다.", std::nullopt),
            R"({"errorCode":"InvalidSenderId","errorMessage":"등록된 발신번호 정보를 찾을 수 없습니다."})");
}

TEST(EncodeErrorTest, EscapesTheMessage) {
  const ordered_json j = ordered_json::parse(EncodeError("ValidationError", "a \"quoted\"\n\\", {}));
  EXPECT_EQ(j["errorMessage"], "a \"quoted\"\n\\");
}

TEST(EncodeErrorTest, MfaRequiredWithoutHeaderListsAuthTypes) {
  MfaDetails m;
  m.auth_types = {"ARS"};
  EXPECT_EQ(EncodeError("MFARequired", "x", m),
            R"({"errorCode":"MFARequired","errorMessage":"x","mfa":{"authTypes":["ARS"]}})");
}

TEST(EncodeErrorTest, MfaWithTransaction) {
  MfaDetails m;
  m.auth_type = "ARS";
  m.transaction_id = "0123456789abcdef0123456789abcdef";
  m.expires_at = kT;
  m.attempts_left = 5;
  m.resend_after = kT + 60 * kSecond;
  const ordered_json j = ordered_json::parse(EncodeError("MFARequired", "전화", m));
  EXPECT_EQ(Keys(j), (Names{"errorCode", "errorMessage", "mfa"}));
  EXPECT_EQ(Keys(j["mfa"]),
            (Names{"authType", "transactionId", "expiresAt", "attemptsLeft", "resendAfter"}));
  EXPECT_EQ(j["mfa"]["transactionId"], "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(j["mfa"]["expiresAt"], "2018-11-20T05:25:27.757Z");
  EXPECT_EQ(j["mfa"]["attemptsLeft"], 5);
  EXPECT_EQ(j["mfa"]["resendAfter"], "2018-11-20T05:26:27.757Z");
}

TEST(EncodeErrorTest, ZeroAttemptsLeftIsShown) {
  MfaDetails m;
  m.auth_type = "ARS";
  m.transaction_id = "0123456789abcdef0123456789abcdef";
  m.attempts_left = 0;
  const ordered_json j = ordered_json::parse(EncodeError("InvalidMFAToken", "x", m));
  ASSERT_TRUE(j["mfa"].contains("attemptsLeft"));
  EXPECT_EQ(j["mfa"]["attemptsLeft"], 0);
}

// ---------------------------------------------------------------------------------------------
// DecodeCreateNumber and friends

TEST(DecodeCreateNumberTest, Accepts) {
  Result<CreateNumberRequest> r = DecodeCreateNumber(R"({"phoneNumber":"010-1234-5678"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->phone_number, "010-1234-5678") << "separators are the service's business";
  EXPECT_TRUE(r->documents.empty());

  r = DecodeCreateNumber(
      "  {\n \"phoneNumber\" : \"01012345678\", \"documents\": [\"DOCA\", \"DOCB\"] }\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->documents, (std::vector<std::string>{"DOCA", "DOCB"}));

  r = DecodeCreateNumber(R"({"phoneNumber":"01012345678","documents":null})");
  ASSERT_TRUE(r.ok()) << "null documents = none";
  EXPECT_TRUE(r->documents.empty());

  r = DecodeCreateNumber(R"({"phoneNumber":"01012345678","documents":[]})");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->documents.empty());
}

TEST(DecodeCreateNumberTest, ErrorsAreValidationErrorsNamingTheField) {
  struct Case {
    std::string body;
    std::string_view mentions;  // the message must contain this ("" = anything)
    std::string_view why;
  };
  const std::vector<Case> cases = {
      {"{", "", "truncated"},
      {"{\"phoneNumber\": \"010\",}", "", "trailing comma"},
      {"{'phoneNumber': '010'}", "", "single quotes"},
      {"{\"phoneNumber\":\"01012345678\"} x", "", "trailing garbage"},
      {"{\"phoneNumber\":\"01012345678\"}{}", "", "two documents"},
      {"\"01012345678\"", "", "a string, not an object"},
      {"[\"01012345678\"]", "", "an array, not an object"},
      {"null", "", "null, not an object"},
      {"42", "", "a number"},
      {"{}", "phoneNumber", "missing phoneNumber"},
      {"{\"phoneNumber\":null}", "phoneNumber", "null phoneNumber"},
      {"{\"phoneNumber\":1012345678}", "phoneNumber", "number instead of string"},
      {"{\"phoneNumber\":[\"010\"]}", "phoneNumber", "array instead of string"},
      {"{\"phoneNumber\":{}}", "phoneNumber", "object instead of string"},
      {"{\"phoneNumber\":true}", "phoneNumber", "bool instead of string"},
      {"{\"phoneNumber\":\"01012345678\",\"foo\":1}", "foo", "unknown field named"},
      {"{\"phonenumber\":\"01012345678\"}", "phonenumber", "field names are case-sensitive"},
      {"{\"phoneNumber\":\"01012345678\",\"documents\":\"DOC\"}", "documents",
       "documents not an array"},
      {"{\"phoneNumber\":\"01012345678\",\"documents\":[\"DOC\",1]}", "documents",
       "non-string element"},
      {"{\"phoneNumber\":\"01012345678\",\"documents\":[null]}", "documents", "null element"},
      {"{\"phoneNumber\":\"01012345678\",\"documents\":[[\"DOC\"]]}", "documents",
       "nested array element"},
      {"{\"phoneNumber\":\"\xff\xfe\"}", "", "invalid UTF-8"},
      {"{\"phoneNumber\":\"010\x01\"}", "", "raw control character"},
  };
  for (const Case& c : cases) {
    Result<CreateNumberRequest> r = DecodeCreateNumber(c.body);
    ASSERT_FALSE(r.ok()) << c.why << ": accepted " << c.body;
    EXPECT_EQ(r.error().code, ErrorCode::kValidationError) << c.why;
    EXPECT_NE(r.error().message.find(std::string(c.mentions)), std::string::npos)
        << c.why << ": '" << r.error().message << "' should name '" << c.mentions << "'";
  }
}

TEST(DecodeCreateNumberTest, EmptyBodyMeansEmptyObject) {
  // {} is missing phoneNumber: a ValidationError about the field, not about malformed JSON.
  for (std::string_view body : {"", " ", "\r\n\t "}) {
    Result<CreateNumberRequest> r = DecodeCreateNumber(body);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kValidationError);
    EXPECT_NE(r.error().message.find("phoneNumber"), std::string::npos) << r.error().message;
  }
}

TEST(DecodeCreateNumberTest, DeepNestingIsRefusedCleanly) {
  for (int depth : {100, 20000}) {
    const std::string nested = std::string(static_cast<size_t>(depth), '[') +
                               std::string(static_cast<size_t>(depth), ']');
    for (const std::string& body :
         {nested, "{\"phoneNumber\":" + nested + "}",
          "{\"phoneNumber\":\"01012345678\",\"documents\":" + nested + "}"}) {
      Result<CreateNumberRequest> r = DecodeCreateNumber(body);
      ASSERT_FALSE(r.ok()) << "depth " << depth;
      EXPECT_EQ(r.error().code, ErrorCode::kValidationError) << "depth " << depth;
    }
    // Deep objects too.
    std::string objects;
    for (int i = 0; i < depth; ++i) objects += "{\"a\":";
    objects += "1";
    objects += std::string(static_cast<size_t>(depth), '}');
    Result<CreateNumberRequest> r = DecodeCreateNumber(objects);
    ASSERT_FALSE(r.ok()) << "depth " << depth;
    EXPECT_EQ(r.error().code, ErrorCode::kValidationError);
  }
}

TEST(DecodeCreateNumberTest, ModestNestingIsJudgedOnItsFields) {
  // Ten levels deep is not "too deep": the answer is about the field's type.
  const std::string body =
      "{\"phoneNumber\":" + std::string(10, '[') + std::string(10, ']') + "}";
  Result<CreateNumberRequest> r = DecodeCreateNumber(body);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("phoneNumber"), std::string::npos) << r.error().message;
}

TEST(DecodeUpdateStatusTest, AcceptsAndRefuses) {
  Result<UpdateStatusRequest> r = DecodeUpdateStatus(R"({"status":"INACTIVE"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, "INACTIVE");
  for (std::string_view body : {"", "{}", R"({"status":1})", R"({"status":null})",
                                R"({"status":"ACTIVE","x":1})", "[]", "{"}) {
    Result<UpdateStatusRequest> bad = DecodeUpdateStatus(body);
    ASSERT_FALSE(bad.ok()) << body;
    EXPECT_EQ(bad.error().code, ErrorCode::kValidationError) << body;
  }
}

TEST(DecodeEmptyBodyTest, NothingWhitespaceOrEmptyObject) {
  for (std::string_view body : {"", "  ", "{}", " { } \n"})
    EXPECT_TRUE(DecodeEmptyBody(body).ok()) << "'" << body << "'";
  for (std::string_view body : {"{\"x\":1}", "[]", "null", "{", "x"}) {
    Status s = DecodeEmptyBody(body);
    ASSERT_FALSE(s.ok()) << body;
    EXPECT_EQ(s.error().code, ErrorCode::kValidationError) << body;
  }
}

}  // namespace
}  // namespace senderid::json
