#include "json/codec.h"

#include <initializer_list>
#include <nlohmann/json.hpp>

namespace senderid::json {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr int kMaxDepth = 32;

ordered_json Date(TimeMs t) { return FormatIsoMillis(t); }
ordered_json OptionalDate(const std::optional<TimeMs>& t) {
  return t ? ordered_json(FormatIsoMillis(*t)) : ordered_json(nullptr);
}
ordered_json OptionalText(const std::optional<std::string>& s) {
  return s ? ordered_json(*s) : ordered_json(nullptr);
}

ordered_json EncodeApproval(const ReviewRequest& a) {
  ordered_json j;
  j["approvalId"] = a.request_id;
  j["documents"] = a.documents;
  j["status"] = ToString(a.status);
  j["reason"] = OptionalText(a.reason);
  j["dateCreated"] = Date(a.date_created);
  j["dateUpdated"] = Date(a.date_updated);
  return j;
}

ordered_json EncodeUnlock(const std::optional<ReviewRequest>& u) {
  ordered_json j;
  if (!u) {
    for (const char* k : {"duplicateId", "reason", "reasonForRequested", "name", "status",
                          "dateCreated", "dateUpdated"})
      j[k] = nullptr;
    return j;
  }
  j["duplicateId"] = u->request_id;
  j["reason"] = OptionalText(u->reason);
  j["reasonForRequested"] = u->reason_for_requested;
  j["name"] = u->contact_name;
  j["status"] = ToString(u->status);
  j["dateCreated"] = Date(u->date_created);
  j["dateUpdated"] = Date(u->date_updated);
  return j;
}

ordered_json EncodeSenderId(const SenderId& e) {
  ordered_json j;
  j["phoneNumber"] = e.phone_number;
  j["handleKey"] = e.handle_key;
  j["status"] = ToString(e.status);
  j["method"] = e.method == VerificationMethod::kNone ? ordered_json(nullptr)
                                                      : ordered_json(ToString(e.method));
  j["expireAt"] = OptionalDate(e.expire_at);
  ordered_json log = ordered_json::array();
  for (const LogEntry& l : e.log) log.push_back({{"createAt", Date(l.create_at)}, {"message", l.message}});
  j["log"] = std::move(log);
  ordered_json approvals = ordered_json::array();
  for (const ReviewRequest& a : e.approvals) approvals.push_back(EncodeApproval(a));
  j["approvalDocuments"] = std::move(approvals);
  j["unlockDuplicate"] = EncodeUnlock(e.unlock);
  j["dateCreated"] = Date(e.date_created);
  j["dateUpdated"] = Date(e.date_updated);
  return j;
}

ordered_json EncodeLimitation(const ReviewRequest& l) {
  ordered_json j;
  j["limitationId"] = l.request_id;
  j["documents"] = l.documents;
  j["status"] = ToString(l.status);
  j["reason"] = OptionalText(l.reason);
  j["limitRequested"] = l.limit_requested;
  j["limitBeforeRequest"] = l.limit_before_request;
  j["dateCreated"] = Date(l.date_created);
  j["dateUpdated"] = Date(l.date_updated);
  return j;
}

std::string Dump(const ordered_json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Error Invalid(std::string message) { return Error(ErrorCode::kValidationError, std::move(message)); }

// Parses a request body that must be a JSON object (an empty body is {}), with a nesting limit.
Result<json> ParseObject(std::string_view body) {
  const auto blank = body.find_first_not_of(" \t\r\n");
  if (blank == std::string_view::npos) return json::object();
  bool too_deep = false;
  json::parser_callback_t limit_depth = [&](int depth, json::parse_event_t, json&) {
    if (depth > kMaxDepth) too_deep = true;
    return !too_deep;
  };
  json j = json::parse(body.begin(), body.end(), limit_depth, /*allow_exceptions=*/false);
  if (too_deep) return Invalid("request body is nested too deeply");
  if (j.is_discarded()) return Invalid("request body is not valid JSON");
  if (!j.is_object()) return Invalid("request body must be a JSON object");
  return j;
}

Status OnlyFields(const json& j, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || key == a;
    if (!known) return Invalid("unknown field '" + key + "'");
  }
  return OkStatus();
}

Result<std::string> RequiredString(const json& j, const char* field) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return Invalid(std::string("'") + field + "' is required");
  if (!it->is_string()) return Invalid(std::string("'") + field + "' must be a string");
  return it->get<std::string>();
}

Result<std::vector<std::string>> OptionalStringArray(const json& j, const char* field) {
  std::vector<std::string> out;
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) return Invalid(std::string("'") + field + "' must be an array of strings");
  for (const json& v : *it) {
    if (!v.is_string()) return Invalid(std::string("'") + field + "' must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

std::string EncodeAccountDoc(const AccountDoc& doc) {
  ordered_json j;
  j["accountId"] = doc.account.account_id;
  j["limit"] = doc.account.limit;
  ordered_json ids = ordered_json::array();
  for (const SenderId& e : doc.sender_ids) ids.push_back(EncodeSenderId(e));
  j["senderIds"] = std::move(ids);
  ordered_json limits = ordered_json::array();
  for (const ReviewRequest& l : doc.limitations) limits.push_back(EncodeLimitation(l));
  j["limitationDocuments"] = std::move(limits);
  j["dateCreated"] = Date(doc.account.date_created);
  j["dateUpdated"] = Date(doc.account.date_updated);
  if (doc.paged) j["nextKey"] = OptionalText(doc.next_key);
  return Dump(j);
}

std::string EncodeStringArray(const std::vector<std::string>& values) {
  return Dump(ordered_json(values));
}

std::string EncodeError(std::string_view error_code, std::string_view message,
                        const std::optional<MfaDetails>& mfa) {
  ordered_json j;
  j["errorCode"] = error_code;
  j["errorMessage"] = message;
  if (mfa) {
    ordered_json m = ordered_json::object();
    if (!mfa->auth_types.empty()) m["authTypes"] = mfa->auth_types;
    if (!mfa->auth_type.empty()) m["authType"] = mfa->auth_type;
    if (!mfa->transaction_id.empty()) m["transactionId"] = mfa->transaction_id;
    if (mfa->expires_at) m["expiresAt"] = Date(*mfa->expires_at);
    if (mfa->attempts_left) m["attemptsLeft"] = *mfa->attempts_left;
    if (mfa->resend_after) m["resendAfter"] = Date(*mfa->resend_after);
    j["mfa"] = std::move(m);
  }
  return Dump(j);
}

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

namespace {

ordered_json DocumentJson(const Document& d, std::string_view url_prefix) {
  ordered_json j;
  j["documentId"] = d.document_id;
  j["accountId"] = d.account_id;
  j["name"] = d.name;
  j["originalName"] = d.original_name;
  j["url"] = std::string(url_prefix) + "/senderid/v1/documents/" + d.document_id + "/file";
  j["category"] = d.category;
  j["use"] = d.use;
  j["dateCreated"] = Date(d.date_created);
  return j;
}

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
      d["path"] = std::string(documents_dir) + "/" + found->name;
    } else {
      d["deleted"] = true;
    }
    docs.push_back(std::move(d));
  }
  j["documents"] = std::move(docs);
  j["reason"] = OptionalText(r.reason);
  j["decidedBy"] = OptionalText(r.decided_by);
  j["dateDecided"] = OptionalDate(r.date_decided);
  j["dateCreated"] = Date(r.date_created);
  j["dateUpdated"] = Date(r.date_updated);
  return j;
}

Result<std::optional<std::string>> OptionalString(const json& j, const char* field) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return Invalid(std::string("'") + field + "' must be a string");
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::vector<std::string>> RequiredIds(const json& j) {
  if (j.find("documents") == j.end() || j["documents"].is_null())
    return Invalid("'documents' is required");
  SID_ASSIGN_OR_RETURN(std::vector<std::string> ids, OptionalStringArray(j, "documents"));
  if (ids.empty()) return Invalid("'documents' must list at least one document id");
  return ids;
}

}  // namespace

std::string EncodeDocument(const Document& d, std::string_view url_prefix) {
  return Dump(DocumentJson(d, url_prefix));
}

std::string EncodeDocuments(const std::vector<Document>& docs, std::string_view url_prefix) {
  ordered_json j = ordered_json::array();
  for (const Document& d : docs) j.push_back(DocumentJson(d, url_prefix));
  return Dump(j);
}

std::string EncodeDocumentPage(const DocumentPage& page, std::string_view url_prefix) {
  ordered_json data = ordered_json::array();
  for (const Document& d : page.data) data.push_back(DocumentJson(d, url_prefix));
  ordered_json j;
  j["data"] = std::move(data);
  j["nextKey"] = OptionalText(page.next_key);
  return Dump(j);
}

std::string EncodeReviewItems(const std::vector<ReviewItem>& items, std::string_view documents_dir) {
  ordered_json j = ordered_json::array();
  for (const ReviewItem& item : items) j.push_back(ReviewItemJson(item, documents_dir));
  return j.dump(2, ' ', false, json::error_handler_t::replace);
}

std::string EncodeReviewItem(const ReviewItem& item, std::string_view documents_dir) {
  return ReviewItemJson(item, documents_dir).dump(2, ' ', false, json::error_handler_t::replace);
}

Result<UploadRequest> DecodeUpload(std::string_view body) {
  SID_ASSIGN_OR_RETURN(json j, ParseObject(body));
  SID_TRY(OnlyFields(j, {"file", "category", "name"}));
  UploadRequest r;
  SID_ASSIGN_OR_RETURN(r.file, RequiredString(j, "file"));
  SID_ASSIGN_OR_RETURN(r.category, RequiredString(j, "category"));
  SID_ASSIGN_OR_RETURN(r.name, OptionalString(j, "name"));
  return r;
}

Result<std::vector<std::string>> DecodeDocumentIds(std::string_view body) {
  SID_ASSIGN_OR_RETURN(json j, ParseObject(body));
  SID_TRY(OnlyFields(j, {"documents"}));
  return RequiredIds(j);
}

Result<LimitationRequest> DecodeLimitation(std::string_view body) {
  SID_ASSIGN_OR_RETURN(json j, ParseObject(body));
  SID_TRY(OnlyFields(j, {"documents", "limit"}));
  LimitationRequest r;
  SID_ASSIGN_OR_RETURN(r.documents, RequiredIds(j));
  auto it = j.find("limit");
  if (it == j.end() || it->is_null()) return Invalid("'limit' is required");
  if (!it->is_number_integer()) return Invalid("'limit' must be an integer");
  if (it->is_number_unsigned() && it->get<uint64_t>() > 1'000'000'000)
    return Invalid("'limit' is too large");
  r.limit = it->get<int64_t>();
  return r;
}

Result<DuplicateRequest> DecodeDuplicate(std::string_view body) {
  SID_ASSIGN_OR_RETURN(json j, ParseObject(body));
  SID_TRY(OnlyFields(j, {"reason", "name"}));
  DuplicateRequest r;
  SID_ASSIGN_OR_RETURN(r.reason, RequiredString(j, "reason"));
  if (r.reason.empty()) return Invalid("'reason' must not be empty");
  SID_ASSIGN_OR_RETURN(r.name, OptionalString(j, "name"));
  return r;
}

Result<CreateNumberRequest> DecodeCreateNumber(std::string_view body) {
  SID_ASSIGN_OR_RETURN(json j, ParseObject(body));
  SID_TRY(OnlyFields(j, {"phoneNumber", "documents"}));
  CreateNumberRequest r;
  SID_ASSIGN_OR_RETURN(r.phone_number, RequiredString(j, "phoneNumber"));
  SID_ASSIGN_OR_RETURN(r.documents, OptionalStringArray(j, "documents"));
  return r;
}

Result<UpdateStatusRequest> DecodeUpdateStatus(std::string_view body) {
  SID_ASSIGN_OR_RETURN(json j, ParseObject(body));
  SID_TRY(OnlyFields(j, {"status"}));
  UpdateStatusRequest r;
  SID_ASSIGN_OR_RETURN(r.status, RequiredString(j, "status"));
  return r;
}

Result<MfaData> DecodeMfaData(std::string_view header) {
  const auto bad = [](std::string why) {
    return Error(ErrorCode::kInvalidMFAData, "x-mfa-data: " + std::move(why));
  };
  Result<json> parsed = ParseObject(header);
  if (!parsed.ok() || header.find_first_not_of(" \t") == std::string_view::npos)
    return bad("a JSON object expected");
  const json& j = *parsed;
  MfaData out;
  const auto text = [&](const json& parent, const char* field,
                        std::optional<std::string>& into) -> Status {
    auto it = parent.find(field);
    if (it == parent.end() || it->is_null()) return OkStatus();
    if (!it->is_string()) return bad(std::string("'") + field + "' must be a string");
    into = it->get<std::string>();
    return OkStatus();
  };
  std::optional<std::string> auth_type;
  SID_TRY(text(j, "authType", auth_type));
  if (!auth_type) return bad("'authType' is required");
  out.auth_type = *auth_type;
  if (auto extras = j.find("extras"); extras != j.end() && !extras->is_null()) {
    if (!extras->is_object()) return bad("'extras' must be an object");
    SID_TRY(text(*extras, "phoneNumber", out.phone_number));
  }
  SID_TRY(text(j, "transactionId", out.transaction_id));
  SID_TRY(text(j, "token", out.token));
  return out;
}

std::string EncodeVoiceCall(const VoiceCall& call) {
  ordered_json j;
  j["to"] = call.to;
  j["token"] = call.token;
  j["transactionId"] = call.transaction_id;
  j["message"] = call.message;
  j["createdAt"] = Date(call.created_at);
  return Dump(j);
}

Status DecodeEmptyBody(std::string_view body) {
  SID_ASSIGN_OR_RETURN(json j, ParseObject(body));
  return OnlyFields(j, {});
}

}  // namespace senderid::json
