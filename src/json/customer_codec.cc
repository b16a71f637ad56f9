#include "json/customer_codec.h"

#include <cstdint>

#include "json/decoding.h"
#include "json/shapes.h"

namespace senderid::json {
namespace {

Result<std::vector<std::string>> RequiredIds(const json& j) {
  if (j.find("documents") == j.end() || j["documents"].is_null())
    return Invalid("'documents' is required");
  SID_ASSIGN_OR_RETURN(std::vector<std::string> ids, OptionalStringArray(j, "documents"));
  if (ids.empty()) return Invalid("'documents' must list at least one document id");
  return ids;
}

}  // namespace

std::string EncodeAccountDoc(const AccountDoc& doc) {
  ordered_json j;
  j["accountId"] = doc.account.account_id;
  j["limit"] = doc.account.limit;
  ordered_json ids = ordered_json::array();
  for (const SenderId& e : doc.sender_ids) ids.push_back(SenderIdJson(e));
  j["senderIds"] = std::move(ids);
  ordered_json limits = ordered_json::array();
  for (const ReviewRequest& l : doc.limitations) limits.push_back(LimitationJson(l));
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

Result<UploadRequest> DecodeUpload(std::string_view body) {
  SID_ASSIGN_OR_RETURN(json j, ParseObject(body));
  SID_TRY(OnlyFields(j, {"file", "category", "name"}));
  UploadRequest r;
  // The file's own bound is its decoded size (FileSizeTooLarge), checked by the service.
  SID_ASSIGN_OR_RETURN(r.file, RequiredString(j, "file", StringBound{SIZE_MAX, {}}));
  SID_ASSIGN_OR_RETURN(r.category, RequiredString(j, "category"));
  SID_ASSIGN_OR_RETURN(r.name,
                       OptionalString(j, "name", StringBound{bounds::kDocumentNameBytes, {}}));
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
  SID_ASSIGN_OR_RETURN(r.reason,
                       RequiredString(j, "reason", StringBound{4 * bounds::kUnlockReasonChars,
                                                               bounds::kUnlockReasonChars}));
  if (r.reason.empty()) return Invalid("'reason' must not be empty");
  SID_ASSIGN_OR_RETURN(r.name, OptionalString(j, "name", StringBound{4 * bounds::kUnlockNameChars,
                                                                      bounds::kUnlockNameChars}));
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

Status DecodeEmptyBody(std::string_view body) {
  SID_ASSIGN_OR_RETURN(json j, ParseObject(body));
  return OnlyFields(j, {});
}

}  // namespace senderid::json
