#include "json/operator_codec.h"

#include "json/shapes.h"

namespace senderid::json {
namespace {

ordered_json ReviewItemJson(const ReviewItem& item, std::string_view documents_dir) {
  const ReviewRequest& r = item.request;
  ordered_json j;
  j["id"] = r.request_id;
  j["kind"] = ToString(r.kind);
  j["status"] = ToString(r.status);
  j["accountId"] = r.account_id;
  j["accountName"] = item.account.name;
  if (r.kind != ReviewKind::kLimitation) {
    j["phoneNumber"] = r.phone_number;
    j["handleKey"] = r.handle_key;
  }
  if (r.kind == ReviewKind::kLimitation) {
    j["limitRequested"] = r.limit_requested;
    j["limitBeforeRequest"] = r.limit_before_request;
  }
  if (r.kind == ReviewKind::kDuplicate) {
    j["name"] = r.contact_name;
    j["reasonForRequested"] = r.reason_for_requested;
  }
  ordered_json docs = ordered_json::array();
  for (const std::string& id : r.documents) {
    ordered_json d;
    d["documentId"] = id;
    const Document* found = nullptr;
    for (const Document& doc : item.documents)
      if (doc.document_id == id) found = &doc;
    if (found != nullptr) {
      d["originalName"] = found->original_name;
      d["category"] = found->category;
      d["contentType"] = found->content_type;
      d["size"] = found->size;
      if (!documents_dir.empty()) d["path"] = std::string(documents_dir) + "/" + found->name;
    } else {
      d["deleted"] = true;
    }
    docs.push_back(std::move(d));
  }
  j["documents"] = std::move(docs);
  j["reason"] = OptionalText(r.reason);
  j["reasonCode"] = OptionalText(r.reason_code);
  j["decidedBy"] = OptionalText(r.decided_by);
  j["dateDecided"] = OptionalDate(r.date_decided);
  j["dateCreated"] = Date(r.date_created);
  j["dateUpdated"] = Date(r.date_updated);
  return j;
}

}  // namespace

std::string EncodeCredentials(const Credentials& c, bool with_account) {
  ordered_json j;
  if (with_account) j["accountId"] = c.account_id;
  j["apiKey"] = c.api_key;
  j["apiSecret"] = c.api_secret;
  if (with_account) {
    j["limit"] = c.limit;
  } else {
    ordered_json scopes = ordered_json::array();
    if (c.scopes & kScopeRead) scopes.push_back("senderid:read");
    if (c.scopes & kScopeWrite) scopes.push_back("senderid:write");
    j["accountId"] = c.account_id;
    j["scopes"] = std::move(scopes);
  }
  return Dump(j);
}

std::string EncodeAccount(const Account& a) {
  ordered_json j;
  j["accountId"] = a.account_id;
  j["name"] = a.name;
  j["limit"] = a.limit;
  j["status"] = ToString(a.state);
  j["dateCreated"] = Date(a.date_created);
  j["dateUpdated"] = Date(a.date_updated);
  return Dump(j);
}

std::string EncodeFields(
    std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  ordered_json j = ordered_json::object();
  for (const auto& [name, value] : fields) j[std::string(name)] = value;
  return Dump(j);
}

std::string EncodeReviewItems(const std::vector<ReviewItem>& items, std::string_view documents_dir) {
  ordered_json j = ordered_json::array();
  for (const ReviewItem& item : items) j.push_back(ReviewItemJson(item, documents_dir));
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string EncodeReviewItem(const ReviewItem& item, std::string_view documents_dir) {
  return ReviewItemJson(item, documents_dir).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace senderid::json
