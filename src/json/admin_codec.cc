#include "json/admin_codec.h"

#include <cstdint>

#include "core/bounds.h"
#include "json/decoding.h"
#include "json/shapes.h"

namespace senderid::json {
namespace {

constexpr std::string_view kDocumentsUrl = "/admin/v1/documents/";

ordered_json ScopesJson(unsigned scopes) {
  ordered_json j = ordered_json::array();
  if (scopes & kScopeRead) j.push_back("senderid:read");
  if (scopes & kScopeWrite) j.push_back("senderid:write");
  return j;
}

ordered_json ReviewJson(const ReviewDetail& detail) {
  const ReviewItem& item = detail.item;
  const ReviewRequest& r = item.request;
  ordered_json j = ReviewRequestFields(item, [](ordered_json& d, const Document& doc) {
    d["url"] = std::string(kDocumentsUrl) + doc.document_id + "/file";
  });
  j["claimedBy"] = OptionalText(r.claimed_by);
  j["claimedUntil"] = OptionalDate(r.claimed_until);
  j["entry"] = detail.entry ? SenderIdJson(*detail.entry) : ordered_json(nullptr);
  ordered_json holders = ordered_json::array();
  for (const NumberHolder& h : detail.other_holders)
    holders.push_back({{"accountId", h.account_id}, {"status", ToString(h.status)}});
  j["otherHolders"] = std::move(holders);
  j["dateCreated"] = Date(r.date_created);
  j["dateUpdated"] = Date(r.date_updated);
  return j;
}

ordered_json AccountViewJson(const AccountView& v) {
  ordered_json j;
  j["accountId"] = v.account.account_id;
  j["name"] = v.account.name;
  j["limit"] = v.account.limit;
  j["status"] = ToString(v.account.state);
  j["dateCreated"] = Date(v.account.date_created);
  ordered_json keys = ordered_json::array();
  for (const StoredApiKey& k : v.keys) {
    ordered_json key;
    key["apiKey"] = k.api_key;
    key["scopes"] = ScopesJson(k.scopes);
    key["status"] = ToString(k.state);
    keys.push_back(std::move(key));
  }
  j["keys"] = std::move(keys);
  return j;
}

ordered_json OperatorJson(const Operator& op) {
  ordered_json j;
  j["name"] = op.name;
  j["role"] = ToString(op.role);
  j["status"] = ToString(op.state);
  j["dateCreated"] = Date(op.date_created);
  j["dateUpdated"] = Date(op.date_updated);
  return j;
}

template <typename T, typename ToJson>
std::string PageJson(const Page<T>& page, ToJson to_json) {
  ordered_json data = ordered_json::array();
  for (const T& item : page.data) data.push_back(to_json(item));
  ordered_json j;
  j["data"] = std::move(data);
  j["nextKey"] = OptionalText(page.next_key);
  return Dump(j);
}

constexpr StringBound kOperatorReason{4 * bounds::kOperatorReasonChars,
                                      bounds::kOperatorReasonChars};

}  // namespace

std::string EncodeSession(const Operator& op, std::string_view csrf_token) {
  ordered_json j;
  j["operator"] = {{"name", op.name}, {"role", ToString(op.role)}};
  j["csrfToken"] = csrf_token;
  return Dump(j);
}

std::string EncodeReview(const ReviewDetail& review) { return Dump(ReviewJson(review)); }

std::string EncodeReviewPage(const Page<ReviewDetail>& page) { return PageJson(page, ReviewJson); }

std::string EncodeNumberLookup(const NumberLookup& lookup) {
  ordered_json entries = ordered_json::array();
  for (const NumberEntry& e : lookup.entries) {
    ordered_json j;
    j["accountId"] = e.entry.account_id;
    j["accountName"] = e.account_name;
    const ordered_json sender = SenderIdJson(e.entry);
    for (auto it = sender.begin(); it != sender.end(); ++it) j[it.key()] = it.value();
    entries.push_back(std::move(j));
  }
  ordered_json j;
  j["phoneNumber"] = lookup.phone_number;
  j["entries"] = std::move(entries);
  return Dump(j);
}

std::string EncodeAccountView(const AccountView& account) { return Dump(AccountViewJson(account)); }

std::string EncodeAccountPage(const Page<AccountView>& page) {
  return PageJson(page, AccountViewJson);
}

std::string EncodeNewAccount(const Credentials& c, std::string_view name) {
  ordered_json j;
  j["accountId"] = c.account_id;
  j["name"] = name;
  j["limit"] = c.limit;
  j["apiKey"] = c.api_key;
  j["apiSecret"] = c.api_secret;
  return Dump(j);
}

std::string EncodeNewKey(const Credentials& c) {
  ordered_json j;
  j["apiKey"] = c.api_key;
  j["apiSecret"] = c.api_secret;
  j["scopes"] = ScopesJson(c.scopes);
  return Dump(j);
}

std::string EncodeOperator(const Operator& op) { return Dump(OperatorJson(op)); }

std::string EncodeOperatorList(const std::vector<Operator>& operators) {
  return PageJson(Page<Operator>{operators, std::nullopt}, OperatorJson);
}

std::string EncodeOperatorCredentials(const OperatorCredentials& c) {
  ordered_json j;
  j["name"] = c.name;
  j["role"] = ToString(c.role);
  j["password"] = c.password;
  return Dump(j);
}

std::string EncodeIssuedToken(const IssuedToken& t) {
  ordered_json j;
  j["name"] = t.name;
  j["token"] = t.token;
  return Dump(j);
}

std::string EncodeAuditPage(const Page<AuditEntry>& page) {
  return PageJson(page, [](const AuditEntry& e) {
    ordered_json j;
    j["auditId"] = e.audit_id;
    j["operator"] = e.operator_name;
    j["action"] = e.action;
    j["target"] = e.target;
    j["reason"] = OptionalText(e.reason);
    j["sourceAddress"] = e.source_address;
    j["dateCreated"] = Date(e.date_created);
    return j;
  });
}

std::string EncodeNameCount(std::string_view name, std::string_view field, int value) {
  ordered_json j;
  j["name"] = name;
  j[std::string(field)] = value;
  return Dump(j);
}

Result<SignInRequest> DecodeSignIn(std::string_view body) {
  SID_ASSIGN_OR_RETURN(json j, ParseObject(body));
  SID_TRY(OnlyFields(j, {"name", "password"}));
  SignInRequest r;
  SID_ASSIGN_OR_RETURN(r.name, RequiredString(j, "name"));
  SID_ASSIGN_OR_RETURN(r.password, RequiredString(j, "password"));
  return r;
}

Result<DecisionRequest> DecodeApprove(std::string_view body) {
  SID_ASSIGN_OR_RETURN(json j, ParseObject(body));
  SID_TRY(OnlyFields(j, {"reason"}));
  DecisionRequest r;
  SID_ASSIGN_OR_RETURN(r.reason, OptionalString(j, "reason", kOperatorReason));
  return r;
}

Result<DecisionRequest> DecodeReject(std::string_view body) {
  SID_ASSIGN_OR_RETURN(json j, ParseObject(body));
  SID_TRY(OnlyFields(j, {"reasonCode", "reason"}));
  DecisionRequest r;
  SID_ASSIGN_OR_RETURN(std::string reason, RequiredString(j, "reason", kOperatorReason));
  if (reason.empty()) return Invalid("'reason' must not be empty");
  r.reason = std::move(reason);
  SID_ASSIGN_OR_RETURN(r.reason_code, OptionalString(j, "reasonCode"));
  return r;
}

Result<CreateAccountRequest> DecodeCreateAccount(std::string_view body) {
  SID_ASSIGN_OR_RETURN(json j, ParseObject(body));
  SID_TRY(OnlyFields(j, {"name", "limit"}));
  CreateAccountRequest r;
  SID_ASSIGN_OR_RETURN(r.name, RequiredString(j, "name"));
  if (r.name.empty()) return Invalid("'name' must not be empty");
  if (auto it = j.find("limit"); it != j.end() && !it->is_null()) {
    if (!it->is_number_integer()) return Invalid("'limit' must be an integer");
    if (it->get<int64_t>() < 0 || it->get<int64_t>() > 1'000'000)
      return Invalid("'limit' must be from 0 to 1000000");
    r.limit = static_cast<int>(it->get<int64_t>());
  }
  return r;
}

Result<int> DecodeChangeLimit(std::string_view body) {
  SID_ASSIGN_OR_RETURN(json j, ParseObject(body));
  SID_TRY(OnlyFields(j, {"limit"}));
  auto it = j.find("limit");
  if (it == j.end() || it->is_null()) return Invalid("'limit' is required");
  if (!it->is_number_integer()) return Invalid("'limit' must be an integer");
  if (it->is_number_unsigned() ? it->get<uint64_t>() > 1'000'000
                               : it->get<int64_t>() > 1'000'000)
    return Invalid("'limit' must be at most 1000000");
  if (it->get<int64_t>() < 1) return Invalid("'limit' must be an integer of at least 1");
  return static_cast<int>(it->get<int64_t>());
}

Result<unsigned> DecodeCreateKey(std::string_view body) {
  SID_ASSIGN_OR_RETURN(json j, ParseObject(body));
  SID_TRY(OnlyFields(j, {"scopes"}));
  auto it = j.find("scopes");
  if (it == j.end() || it->is_null()) return kScopeRead | kScopeWrite;
  SID_ASSIGN_OR_RETURN(std::vector<std::string> scopes, OptionalStringArray(j, "scopes"));
  unsigned mask = 0;
  for (const std::string& s : scopes) {
    if (s == "senderid:read") mask |= kScopeRead;
    else if (s == "senderid:write") mask |= kScopeWrite;
    else return Invalid("'scopes' may hold only senderid:read and senderid:write");
  }
  if (mask == 0) return Invalid("'scopes' must name at least one scope");
  return mask;
}

Result<CreateOperatorRequest> DecodeCreateOperator(std::string_view body) {
  SID_ASSIGN_OR_RETURN(json j, ParseObject(body));
  SID_TRY(OnlyFields(j, {"name", "role"}));
  CreateOperatorRequest r;
  SID_ASSIGN_OR_RETURN(r.name, RequiredString(j, "name"));
  SID_ASSIGN_OR_RETURN(std::string role, RequiredString(j, "role"));
  const std::optional<OperatorRole> parsed = ParseOperatorRole(role);
  if (!parsed) return Invalid("'role' must be reviewer or admin");
  r.role = *parsed;
  return r;
}

}  // namespace senderid::json
