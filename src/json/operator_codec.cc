#include "json/operator_codec.h"

#include "json/shapes.h"

namespace senderid::json {
namespace {

ordered_json ReviewItemJson(const ReviewItem& item, std::string_view documents_dir) {
  ordered_json j = ReviewRequestFields(item, [&](ordered_json& d, const Document& doc) {
    if (!documents_dir.empty()) d["path"] = std::string(documents_dir) + "/" + doc.name;
  });
  j["dateCreated"] = Date(item.request.date_created);
  j["dateUpdated"] = Date(item.request.date_updated);
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
