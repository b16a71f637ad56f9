// Tests for the `data` of events (SPEC §12 table) as JsonEventEncoder writes it: the customer API's
// shapes of §3 — a SenderId; an Approval or UnlockDuplicate plus "phoneNumber"; a Limitation plus
// "limit" once approved; a Document with its public url — and the two small objects of
// verification.locked and account.limit_changed.

#include "json/event_codec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "json/customer_codec.h"
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

ordered_json Data(const DomainEvent& event, std::string url_prefix = "https://api.example.com") {
  const JsonEventEncoder encoder(std::move(url_prefix));
  const std::string data = encoder.EncodeData(event);
  EXPECT_TRUE(ordered_json::accept(data)) << data;
  return ordered_json::parse(data);
}

SenderId Entry() {
  SenderId e;
  e.handle_key = "SED20181120142527ABCDEFGHIJKLMNO";
  e.account_id = "12925149";
  e.phone_number = "01012345678";
  e.status = NumberStatus::kActive;
  e.method = VerificationMethod::kArs;
  e.expire_at = kT + 180 * kDay;
  e.log = {{kT, "인증수단 'ARS'로 발신번호 인증이 완료되었습니다."}};
  e.date_created = kT - kDay;
  e.date_updated = kT;
  return e;
}

ReviewRequest Request(ReviewKind kind) {
  ReviewRequest r;
  r.kind = kind;
  r.account_id = "12925149";
  r.handle_key = "SED20181120142527ABCDEFGHIJKLMNO";
  r.phone_number = "01012345678";
  r.documents = {"DOC20181120142527ABCDEFGHIJKLMNO"};
  r.date_created = kT;
  r.date_updated = kT + 1;
  switch (kind) {
    case ReviewKind::kApproval: r.request_id = "APD20181120142527ABCDEFGHIJKLMNO"; break;
    case ReviewKind::kLimitation:
      r.request_id = "LID20181120142527ABCDEFGHIJKLMNO";
      r.limit_requested = 10;
      r.limit_before_request = 5;
      break;
    case ReviewKind::kDuplicate:
      r.request_id = "DUP20181120142527ABCDEFGHIJKLMNO";
      r.reason_for_requested = "우리 번호입니다";
      r.contact_name = "홍길동";
      break;
  }
  return r;
}

DomainEvent Event(EventType type, decltype(DomainEvent::data) data) {
  DomainEvent e;
  e.type = type;
  e.account_id = "12925149";
  e.at = kT;
  e.subject = "subject";
  e.data = std::move(data);
  return e;
}

TEST(EventDataTest, SenderIdEventsCarryTheSenderId) {
  const SenderId entry = Entry();
  AccountDoc doc;
  doc.sender_ids = {entry};
  // The same shape as in an AccountDoc (SPEC §3.2).
  const ordered_json in_doc = ordered_json::parse(EncodeAccountDoc(doc))["senderIds"][0];
  for (EventType type : {EventType::kSenderIdCreated, EventType::kSenderIdVerified,
                         EventType::kSenderIdStatusChanged, EventType::kSenderIdDuplicated,
                         EventType::kSenderIdExpiring, EventType::kSenderIdExpired,
                         EventType::kSenderIdDeleted}) {
    SCOPED_TRACE(ToString(type));
    const ordered_json j = Data(Event(type, entry));
    EXPECT_EQ(j, in_doc);
    EXPECT_EQ(Keys(j), (Names{"phoneNumber", "handleKey", "status", "method", "expireAt", "log",
                              "approvalDocuments", "unlockDuplicate", "dateCreated",
                              "dateUpdated"}));
  }
}

TEST(EventDataTest, SenderIdLogIsWhatTheEventCarries) {
  // The lifecycle puts only the lines its unit of change appended into the event's SenderId (SPEC
  // §12); the encoder writes exactly those, possibly none.
  SenderId entry = Entry();
  entry.log.clear();
  ordered_json j = Data(Event(EventType::kSenderIdExpiring, entry));
  ASSERT_TRUE(j["log"].is_array());
  EXPECT_TRUE(j["log"].empty());
  entry.log = {{kT, "a"}, {kT + 1, "b"}};
  j = Data(Event(EventType::kSenderIdStatusChanged, entry));
  ASSERT_EQ(j["log"].size(), 2u);
  EXPECT_EQ(j["log"][1]["message"], "b");
  EXPECT_EQ(j["log"][1]["createAt"], "2018-11-20T05:25:27.758Z");
}

TEST(EventDataTest, ApprovalEventsAddThePhoneNumber) {
  for (auto [type, status, wire] :
       {std::tuple{EventType::kApprovalRequested, RequestStatus::kPending, "PENDING"},
        std::tuple{EventType::kApprovalApproved, RequestStatus::kApproved, "APPROVED"},
        std::tuple{EventType::kApprovalRejected, RequestStatus::kRejected, "REJECTED"},
        std::tuple{EventType::kApprovalCancelled, RequestStatus::kCancelled, "CANCELLED"}}) {
    SCOPED_TRACE(ToString(type));
    ReviewRequest r = Request(ReviewKind::kApproval);
    r.status = status;
    if (status == RequestStatus::kRejected) r.reason = "흐릿함";
    const ordered_json j = Data(Event(type, ReviewChange{r, std::nullopt}));
    EXPECT_EQ(Keys(j), (Names{"approvalId", "documents", "status", "reason", "reasonCode",
                              "dateCreated", "dateUpdated", "phoneNumber"}));
    EXPECT_EQ(j["approvalId"], "APD20181120142527ABCDEFGHIJKLMNO");
    EXPECT_EQ(j["documents"], ordered_json::array({"DOC20181120142527ABCDEFGHIJKLMNO"}));
    EXPECT_EQ(j["status"], wire);
    if (status == RequestStatus::kRejected) {
      EXPECT_EQ(j["reason"], "흐릿함");
    } else {
      EXPECT_TRUE(j["reason"].is_null());
    }
    EXPECT_EQ(j["dateCreated"], "2018-11-20T05:25:27.757Z");
    EXPECT_EQ(j["dateUpdated"], "2018-11-20T05:25:27.758Z");
    EXPECT_EQ(j["phoneNumber"], "01012345678");
  }
}

TEST(EventDataTest, LimitationEventsAddTheLimitOnceApproved) {
  ReviewRequest r = Request(ReviewKind::kLimitation);
  ordered_json j = Data(Event(EventType::kLimitationRequested, ReviewChange{r, std::nullopt}));
  EXPECT_EQ(Keys(j), (Names{"limitationId", "documents", "status", "reason", "reasonCode",
                            "limitRequested", "limitBeforeRequest", "dateCreated", "dateUpdated"}));
  EXPECT_EQ(j["limitationId"], "LID20181120142527ABCDEFGHIJKLMNO");
  EXPECT_EQ(j["status"], "PENDING");
  EXPECT_EQ(j["limitRequested"], 10);
  EXPECT_EQ(j["limitBeforeRequest"], 5);
  EXPECT_FALSE(j.contains("phoneNumber")) << "a limitation is the account's, not a number's";

  r.status = RequestStatus::kApproved;
  j = Data(Event(EventType::kLimitationApproved, ReviewChange{r, 10}));
  EXPECT_EQ(Keys(j).back(), "limit");
  EXPECT_EQ(j["limit"], 10);
  EXPECT_EQ(j["status"], "APPROVED");

  r.status = RequestStatus::kRejected;
  r.reason = "서류 불충분";
  j = Data(Event(EventType::kLimitationRejected, ReviewChange{r, std::nullopt}));
  EXPECT_FALSE(j.contains("limit"));
  EXPECT_EQ(j["reason"], "서류 불충분");
}

TEST(EventDataTest, UnlockEventsAddThePhoneNumber) {
  for (auto [type, status, wire] :
       {std::tuple{EventType::kDuplicateRequested, RequestStatus::kPending, "PENDING"},
        std::tuple{EventType::kDuplicateApproved, RequestStatus::kApproved, "APPROVED"},
        std::tuple{EventType::kDuplicateRejected, RequestStatus::kRejected, "REJECTED"},
        std::tuple{EventType::kDuplicateCancelled, RequestStatus::kCancelled, "CANCELLED"}}) {
    SCOPED_TRACE(ToString(type));
    ReviewRequest r = Request(ReviewKind::kDuplicate);
    r.status = status;
    const ordered_json j = Data(Event(type, ReviewChange{r, std::nullopt}));
    EXPECT_EQ(Keys(j), (Names{"duplicateId", "reason", "reasonCode", "reasonForRequested", "name",
                              "status", "dateCreated", "dateUpdated", "phoneNumber"}));
    EXPECT_EQ(j["duplicateId"], "DUP20181120142527ABCDEFGHIJKLMNO");
    EXPECT_EQ(j["reasonForRequested"], "우리 번호입니다");
    EXPECT_EQ(j["name"], "홍길동");
    EXPECT_EQ(j["status"], wire);
    EXPECT_EQ(j["phoneNumber"], "01012345678");
  }
}

TEST(EventDataTest, DocumentEventsCarryTheDocumentWithItsPublicUrl) {
  Document d;
  d.document_id = "DOC20181120142527ABCDEFGHIJKLMNO";
  d.account_id = "12925149";
  d.name = "Xy7AbCdEfGhIjKl.pdf";
  d.original_name = "evidence.pdf";
  d.category = "SENDERID_APPROVAL";
  d.content_type = "application/pdf";
  d.size = 1234;
  d.date_created = kT;
  for (EventType type : {EventType::kDocumentUploaded, EventType::kDocumentDeleted}) {
    SCOPED_TRACE(ToString(type));
    const ordered_json j = Data(Event(type, d));
    EXPECT_EQ(j, ordered_json::parse(EncodeDocument(d, "https://api.example.com")));
    EXPECT_EQ(j["url"],
              "https://api.example.com/senderid/v1/documents/DOC20181120142527ABCDEFGHIJKLMNO/file");
    EXPECT_FALSE(j.contains("path"));
  }
  EXPECT_EQ(Data(Event(EventType::kDocumentUploaded, d), "")["url"],
            "/senderid/v1/documents/DOC20181120142527ABCDEFGHIJKLMNO/file");
}

TEST(EventDataTest, VerificationLocked) {
  const DomainEvent e = Event(EventType::kVerificationLocked,
                              LockedVerification{"01012345678", "0123456789abcdef0123456789abcdef"});
  const JsonEventEncoder encoder("");
  EXPECT_EQ(encoder.EncodeData(e),
            R"({"phoneNumber":"01012345678","transactionId":"0123456789abcdef0123456789abcdef"})");
}

TEST(EventDataTest, AccountLimitChanged) {
  const DomainEvent e = Event(EventType::kAccountLimitChanged, LimitChange{20, 5});
  const JsonEventEncoder encoder("");
  EXPECT_EQ(encoder.EncodeData(e), R"({"limit":20,"limitBefore":5})");
}

TEST(EventDataTest, BadTextStillGivesValidJson) {
  SenderId entry = Entry();
  entry.log = {{kT, std::string("bad \xff\xfe bytes")}};
  const JsonEventEncoder encoder("");
  std::string data;
  ASSERT_NO_THROW(data = encoder.EncodeData(Event(EventType::kSenderIdCreated, entry)));
  EXPECT_TRUE(ordered_json::accept(data)) << data;
}

}  // namespace
}  // namespace senderid::json
