// Tests for the customer API's wire form (SPEC §3.1/§3.2/§3.6 shapes, §8 nextKey, §9 error body), the
// strict request decoding (§1: malformed JSON or wrong types → ValidationError naming the field;
// empty body = {}; §4 Bounds at their exact edges) and the x-mfa-data header (§5).

#include "json/customer_codec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/unit/core_testing.h"

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
      R"("unlockDuplicate":{"duplicateId":null,"reason":null,"reasonCode":null,)"
      R"("reasonForRequested":null,)"
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
  EXPECT_EQ(Keys(ap), (Names{"approvalId", "documents", "status", "reason", "reasonCode",
                             "dateCreated", "dateUpdated"}));
  EXPECT_EQ(ap["status"], "REJECTED");
  EXPECT_EQ(ap["reason"], "흐릿함");
  EXPECT_EQ(ap["documents"], ordered_json::array({"DOC20181120142527ABCDEFGHIJKLMNO"}));
  EXPECT_EQ(ap["dateUpdated"], "2018-11-20T05:25:27.758Z");
  const ordered_json& un = s["unlockDuplicate"];
  EXPECT_EQ(Keys(un), (Names{"duplicateId", "reason", "reasonCode", "reasonForRequested", "name",
                             "status", "dateCreated", "dateUpdated"}));
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
  EXPECT_EQ(Keys(lim),
            (Names{"limitationId", "documents", "status", "reason", "reasonCode", "limitRequested",
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

// ---------------------------------------------------------------------------------------------
// The other request bodies

TEST(DecodeUploadTest, AcceptsAndRefuses) {
  Result<UploadRequest> r =
      DecodeUpload(R"({"file":"data:application/pdf;base64,JVBERi0=","category":"SENDERID_APPROVAL"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->file, "data:application/pdf;base64,JVBERi0=");
  EXPECT_EQ(r->category, "SENDERID_APPROVAL");
  EXPECT_FALSE(r->name.has_value());
  r = DecodeUpload(R"({"file":"JVBERi0=","category":"x","name":"통신서비스 이용증명원.pdf"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->name, "통신서비스 이용증명원.pdf");
  r = DecodeUpload(R"({"file":"JVBERi0=","category":"x","name":null})");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->name.has_value()) << "null name = none";

  struct Case {
    std::string_view body;
    std::string_view mentions;
  };
  for (const Case& c : std::vector<Case>{
           {"", "file"},
           {R"({"category":"x"})", "file"},
           {R"({"file":"x"})", "category"},
           {R"({"file":1,"category":"x"})", "file"},
           {R"({"file":"x","category":["x"]})", "category"},
           {R"({"file":"x","category":"x","name":7})", "name"},
           {R"({"file":"x","category":"x","size":7})", "size"},
           {"[]", ""},
       }) {
    Result<UploadRequest> bad = DecodeUpload(c.body);
    ASSERT_FALSE(bad.ok()) << c.body;
    EXPECT_EQ(bad.error().code, ErrorCode::kValidationError) << c.body;
    EXPECT_NE(bad.error().message.find(std::string(c.mentions)), std::string::npos)
        << c.body << ": " << bad.error().message;
  }
}

TEST(DecodeDocumentIdsTest, AtLeastOneId) {
  Result<std::vector<std::string>> r = DecodeDocumentIds(R"({"documents":["DOC1","DOC2"]})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, (std::vector<std::string>{"DOC1", "DOC2"}));
  for (std::string_view body : {"", "{}", R"({"documents":null})", R"({"documents":[]})",
                                R"({"documents":"DOC1"})", R"({"documents":[1]})",
                                R"({"documents":["DOC1"],"x":1})"}) {
    Result<std::vector<std::string>> bad = DecodeDocumentIds(body);
    ASSERT_FALSE(bad.ok()) << body;
    EXPECT_EQ(bad.error().code, ErrorCode::kValidationError) << body;
  }
}

TEST(DecodeLimitationTest, AcceptsAndRefuses) {
  Result<LimitationRequest> r = DecodeLimitation(R"({"documents":["DOC1"],"limit":10})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->documents, std::vector<std::string>{"DOC1"});
  EXPECT_EQ(r->limit, 10);
  r = DecodeLimitation(R"({"documents":["DOC1"],"limit":1000000000})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->limit, 1'000'000'000);
  r = DecodeLimitation(R"({"documents":["DOC1"],"limit":-3})");
  ASSERT_TRUE(r.ok()) << "the range is the service's business";
  EXPECT_EQ(r->limit, -3);

  struct Case {
    std::string_view body;
    std::string_view mentions;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"documents":["DOC1"]})", "limit"},
           {R"({"documents":["DOC1"],"limit":null})", "limit"},
           {R"({"documents":["DOC1"],"limit":"10"})", "limit"},
           {R"({"documents":["DOC1"],"limit":10.5})", "limit"},
           {R"({"documents":["DOC1"],"limit":1000000001})", "limit"},
           {R"({"documents":["DOC1"],"limit":18446744073709551615})", "limit"},
           {R"({"limit":10})", "documents"},
           {R"({"documents":[],"limit":10})", "documents"},
           {R"({"documents":["DOC1"],"limit":10,"reason":"x"})", "reason"},
       }) {
    Result<LimitationRequest> bad = DecodeLimitation(c.body);
    ASSERT_FALSE(bad.ok()) << c.body;
    EXPECT_EQ(bad.error().code, ErrorCode::kValidationError) << c.body;
    EXPECT_NE(bad.error().message.find(std::string(c.mentions)), std::string::npos)
        << c.body << ": " << bad.error().message;
  }
}

TEST(DecodeDuplicateTest, AcceptsAndRefuses) {
  Result<DuplicateRequest> r = DecodeDuplicate(R"({"reason":"우리 번호입니다","name":"홍길동"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->reason, "우리 번호입니다");
  EXPECT_EQ(r->name, "홍길동");
  r = DecodeDuplicate(R"({"reason":"x"})");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->name.has_value());

  struct Case {
    std::string_view body;
    std::string_view mentions;
  };
  for (const Case& c : std::vector<Case>{
           {"", "reason"},
           {R"({"reason":""})", "reason"},
           {R"({"reason":null})", "reason"},
           {R"({"reason":1})", "reason"},
           {R"({"reason":"x","name":1})", "name"},
           {R"({"reason":"x","contact":"y"})", "contact"},
       }) {
    Result<DuplicateRequest> bad = DecodeDuplicate(c.body);
    ASSERT_FALSE(bad.ok()) << c.body;
    EXPECT_EQ(bad.error().code, ErrorCode::kValidationError) << c.body;
    EXPECT_NE(bad.error().message.find(std::string(c.mentions)), std::string::npos)
        << c.body << ": " << bad.error().message;
  }
}

TEST(DecodeErrorsTest, UnknownFieldNameIsCut) {
  const std::string name(5000, 'k');
  Result<UpdateStatusRequest> r = DecodeUpdateStatus("{\"" + name + "\":1}");
  ASSERT_FALSE(r.ok());
  EXPECT_LT(r.error().message.size(), 200u) << "the client's text is not echoed whole";
  EXPECT_NE(r.error().message.find(std::string(64, 'k')), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// SPEC §4 Bounds: exact edges, in bytes or characters; the errorMessage names the field.

// A JSON body {"<field>": "<value>", ...rest}.
std::string Body(std::string_view field, const std::string& value, std::string_view rest = "") {
  ordered_json j = ordered_json::parse(rest.empty() ? std::string("{}") : std::string(rest));
  j[std::string(field)] = value;
  return j.dump();
}

std::string Repeat(std::string_view unit, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += unit;
  return out;
}

constexpr std::string_view kHan = "한";    // 3 bytes of UTF-8
constexpr std::string_view kEmoji = "😀";  // 4 bytes of UTF-8

template <typename T>
void ExpectTooLong(const Result<T>& r, std::string_view field, std::string_view unit) {
  ASSERT_FALSE(r.ok()) << field;
  EXPECT_EQ(r.error().code, ErrorCode::kValidationError);
  EXPECT_NE(r.error().message.find("'" + std::string(field) + "'"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find(unit), std::string::npos) << r.error().message;
}

TEST(BoundsTest, DocumentNameAtMost255Bytes) {
  const std::string rest = R"({"file":"JVBERi0=","category":"SENDERID_APPROVAL"})";
  Result<UploadRequest> r = DecodeUpload(Body("name", std::string(255, 'n'), rest));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->name->size(), 255u);
  ExpectTooLong(DecodeUpload(Body("name", std::string(256, 'n'), rest)), "name", "255 bytes");
  // Bytes, not characters: 85 Korean characters are 255 bytes, 86 are 258.
  ASSERT_TRUE(DecodeUpload(Body("name", Repeat(kHan, 85), rest)).ok());
  ExpectTooLong(DecodeUpload(Body("name", Repeat(kHan, 86), rest)), "name", "255 bytes");
  ExpectTooLong(DecodeUpload(Body("name", Repeat(kHan, 85) + "x", rest)), "name", "255 bytes");
}

TEST(BoundsTest, UnlockReasonAtMost500Characters) {
  // Characters, not bytes: 500 Korean characters (1,500 bytes) pass, 501 do not.
  for (std::string_view unit : {std::string_view("r"), kHan, kEmoji}) {
    SCOPED_TRACE(unit);
    Result<DuplicateRequest> r = DecodeDuplicate(Body("reason", Repeat(unit, 500)));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->reason.size(), 500 * unit.size());
    // (501 four-byte characters also pass the bytes' safety net of 4 × 500: either text names
    // the field.)
    ExpectTooLong(DecodeDuplicate(Body("reason", Repeat(unit, 501))), "reason",
                  unit == kEmoji ? "at most" : "500 characters");
  }
  ExpectTooLong(DecodeDuplicate(Body("reason", Repeat(kHan, 499) + "ab")), "reason",
                "500 characters");
  // The bound is the reason's: a name beside it is judged on its own.
  Result<DuplicateRequest> both =
      DecodeDuplicate(Body("reason", Repeat(kHan, 500), Body("name", Repeat(kHan, 100))));
  EXPECT_TRUE(both.ok()) << both.error().message;
}

TEST(BoundsTest, UnlockNameAtMost100Characters) {
  for (std::string_view unit : {std::string_view("n"), kHan, kEmoji}) {
    SCOPED_TRACE(unit);
    Result<DuplicateRequest> r =
        DecodeDuplicate(Body("name", Repeat(unit, 100), R"({"reason":"x"})"));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->name->size(), 100 * unit.size());
    ExpectTooLong(DecodeDuplicate(Body("name", Repeat(unit, 101), R"({"reason":"x"})")), "name",
                  unit == kEmoji ? "at most" : "100 characters");
  }
}

TEST(BoundsTest, OtherStringFieldsAtMost1000Bytes) {
  // phoneNumber, exactly at the edge.
  Result<CreateNumberRequest> r = DecodeCreateNumber(Body("phoneNumber", std::string(1000, '1')));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->phone_number.size(), 1000u);
  ExpectTooLong(DecodeCreateNumber(Body("phoneNumber", std::string(1001, '1'))), "phoneNumber",
                "1000 bytes");
  // Bytes: 333 Korean characters are 999 bytes, 334 are 1,002.
  EXPECT_TRUE(DecodeCreateNumber(Body("phoneNumber", Repeat(kHan, 333) + "1")).ok());
  ExpectTooLong(DecodeCreateNumber(Body("phoneNumber", Repeat(kHan, 334))), "phoneNumber",
                "1000 bytes");

  EXPECT_TRUE(DecodeUpdateStatus(Body("status", std::string(1000, 'S'))).ok());
  ExpectTooLong(DecodeUpdateStatus(Body("status", std::string(1001, 'S'))), "status", "1000 bytes");

  const std::string upload = R"({"file":"JVBERi0="})";
  EXPECT_TRUE(DecodeUpload(Body("category", std::string(1000, 'c'), upload)).ok());
  ExpectTooLong(DecodeUpload(Body("category", std::string(1001, 'c'), upload)), "category",
                "1000 bytes");

  // Each document id of a list.
  const auto ids = [](size_t length) {
    return ordered_json{{"documents", {"DOC1", std::string(length, 'D')}}};
  };
  EXPECT_TRUE(DecodeDocumentIds(ids(1000).dump()).ok());
  ExpectTooLong(DecodeDocumentIds(ids(1001).dump()), "documents", "1000 bytes");
  ordered_json create = ids(1001);
  create["phoneNumber"] = "01012345678";
  ExpectTooLong(DecodeCreateNumber(create.dump()), "documents", "1000 bytes");
  ordered_json limitation = ids(1001);
  limitation["limit"] = 10;
  ExpectTooLong(DecodeLimitation(limitation.dump()), "documents", "1000 bytes");
  limitation = ids(1000);
  limitation["limit"] = 10;
  EXPECT_TRUE(DecodeLimitation(limitation.dump()).ok());
}

TEST(BoundsTest, TheFileItselfIsBoundedByItsDecodedSizeNotHere) {
  const std::string file(200'000, 'A');
  Result<UploadRequest> r = DecodeUpload(Body("file", file, R"({"category":"x"})"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->file.size(), file.size());
}

// ---------------------------------------------------------------------------------------------
// Documents (SPEC §3.6): the url is the public one; nothing about where the bytes are

Document Doc1() {
  Document d;
  d.document_id = "DOC20181120142527ABCDEFGHIJKLMNO";
  d.account_id = "12925149";
  d.name = "Xy7AbCdEfGhIjKl.pdf";
  d.original_name = "이용증명원.pdf";
  d.category = "SENDERID_APPROVAL";
  d.content_type = "application/pdf";
  d.size = 1234;
  d.use = true;
  d.date_created = kT;
  return d;
}

TEST(EncodeDocumentTest, Exactly) {
  EXPECT_EQ(EncodeDocument(Doc1(), "https://api.example.com"),
            R"({"documentId":"DOC20181120142527ABCDEFGHIJKLMNO","accountId":"12925149",)"
            R"("name":"Xy7AbCdEfGhIjKl.pdf","originalName":"이용증명원.pdf",)"
            R"("url":"https://api.example.com/senderid/v1/documents/DOC20181120142527ABCDEFGHIJKLMNO/file",)"
            R"("category":"SENDERID_APPROVAL","use":true,"dateCreated":"2018-11-20T05:25:27.757Z"})");
  const ordered_json j = ordered_json::parse(EncodeDocument(Doc1(), ""));
  EXPECT_EQ(j["url"], "/senderid/v1/documents/DOC20181120142527ABCDEFGHIJKLMNO/file")
      << "no public URL: a path on this server";
}

TEST(EncodeDocumentTest, ListsAndPages) {
  Document d2 = Doc1();
  d2.document_id = "DOC2";
  d2.use = false;
  const ordered_json list = ordered_json::parse(EncodeDocuments({Doc1(), d2}, "http://h"));
  ASSERT_TRUE(list.is_array());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1]["documentId"], "DOC2");
  EXPECT_EQ(list[1]["use"], false);
  EXPECT_EQ(list[1]["url"], "http://h/senderid/v1/documents/DOC2/file");
  EXPECT_EQ(EncodeDocuments({}, "http://h"), "[]");

  DocumentPage page;
  page.data = {Doc1()};
  ordered_json j = ordered_json::parse(EncodeDocumentPage(page, ""));
  EXPECT_EQ(Keys(j), (Names{"data", "nextKey"}));
  EXPECT_TRUE(j["nextKey"].is_null());
  EXPECT_EQ(j["data"].size(), 1u);
  page.next_key = "DOC1";
  j = ordered_json::parse(EncodeDocumentPage(page, ""));
  EXPECT_EQ(j["nextKey"], "DOC1");
}

TEST(EncodeDocumentTest, NoStorageDetails) {
  // The blob's place, content type and size are the server's business (SPEC §3.6 shape only).
  const ordered_json j = ordered_json::parse(EncodeDocument(Doc1(), "https://api.example.com"));
  EXPECT_EQ(Keys(j), (Names{"documentId", "accountId", "name", "originalName", "url", "category",
                            "use", "dateCreated"}));
  for (std::string_view field : {"path", "contentType", "size"}) EXPECT_FALSE(j.contains(field));
}

// ---------------------------------------------------------------------------------------------
// DecodeMfaData (SPEC §5)

TEST(DecodeMfaDataTest, StepOneAndStepTwo) {
  Result<MfaData> one = DecodeMfaData(R"({"authType":"ARS","extras":{"phoneNumber":"01000000001"}})");
  ASSERT_TRUE(one.ok()) << one.error().message;
  EXPECT_EQ(one->auth_type, "ARS");
  EXPECT_EQ(one->phone_number, "01000000001");
  EXPECT_FALSE(one->transaction_id.has_value());
  EXPECT_FALSE(one->token.has_value());

  // As Python's json.dumps writes it: spaces after ':' and ','.
  Result<MfaData> two = DecodeMfaData(
      R"({"authType": "ARS", "extras": {"phoneNumber": "01000000001"}, )"
      R"("transactionId": "0123456789abcdef0123456789abcdef", "token": "123456"})");
  ASSERT_TRUE(two.ok()) << two.error().message;
  EXPECT_EQ(two->transaction_id, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(two->token, "123456");

  // Unknown fields are ignored; the checks of values are the service's.
  Result<MfaData> extra = DecodeMfaData(R"({"authType":"SMS","other":1,"extras":{"x":2}})");
  ASSERT_TRUE(extra.ok()) << extra.error().message;
  EXPECT_EQ(extra->auth_type, "SMS");
  EXPECT_FALSE(extra->phone_number.has_value());
  Result<MfaData> nulls = DecodeMfaData(R"({"authType":"ARS","extras":null,"token":null})");
  ASSERT_TRUE(nulls.ok());
  EXPECT_FALSE(nulls->token.has_value());
}

TEST(DecodeMfaDataTest, RefusalsAreInvalidMfaData) {
  for (std::string_view header :
       {"", "   ", "{}", "[]", "\"ARS\"", "{", "ARS", R"({"authType":1})",
        R"({"authType":null})", R"({"authType":"ARS","extras":"01000000001"})",
        R"({"authType":"ARS","extras":{"phoneNumber":1000000001}})",
        R"({"authType":"ARS","transactionId":5})", R"({"authType":"ARS","token":123456})",
        R"({"authType":"ARS"} x)"}) {
    Result<MfaData> r = DecodeMfaData(header);
    ASSERT_FALSE(r.ok()) << header;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidMFAData) << header;
    EXPECT_EQ(r.error().message.rfind("x-mfa-data: ", 0), 0u) << r.error().message;
  }
}

}  // namespace
}  // namespace senderid::json
