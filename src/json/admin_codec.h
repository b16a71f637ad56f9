#pragma once
// The operators' wire form (SPEC §13): answers of /admin/v1/… (and of `senderid operators …`,
// which prints the same shapes), and strict decoding of their request bodies. Nothing here carries
// a file-system path or a secret but those shown once at creation. Pure functions, thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/admin_values.h"
#include "core/entities.h"
#include "core/error.h"
#include "core/operators.h"
#include "core/values.h"

namespace senderid::json {

// {"operator":{"name","role"},"csrfToken"}
std::string EncodeSession(const Operator& op, std::string_view csrf_token);
std::string EncodeReview(const ReviewDetail& review);
std::string EncodeReviewPage(const Page<ReviewDetail>& page);
std::string EncodeNumberLookup(const NumberLookup& lookup);
// {"accountId","name","limit","status","dateCreated","keys":[{"apiKey","scopes","status"}]}
std::string EncodeAccountView(const AccountView& account);
std::string EncodeAccountPage(const Page<AccountView>& page);
// {"accountId","name","limit","apiKey","apiSecret"}: shown once.
std::string EncodeNewAccount(const Credentials& c, std::string_view name);
// {"apiKey","apiSecret","scopes"}: shown once.
std::string EncodeNewKey(const Credentials& c);
// {"name","role","status","dateCreated","dateUpdated"}
std::string EncodeOperator(const Operator& op);
std::string EncodeOperatorList(const std::vector<Operator>& operators);  // {"data","nextKey":null}
std::string EncodeOperatorCredentials(const OperatorCredentials& c);   // {"name","role","password"}
std::string EncodeIssuedToken(const IssuedToken& t);                   // {"name","token"}
std::string EncodeAuditPage(const Page<AuditEntry>& page);
// {"name": name, field: value}, e.g. {"name","revoked"}.
std::string EncodeNameCount(std::string_view name, std::string_view field, int value);

struct SignInRequest {
  std::string name;
  std::string password;
};
struct DecisionRequest {
  std::optional<std::string> reason;
  std::optional<std::string> reason_code;
};
struct CreateAccountRequest {
  std::string name;
  std::optional<int> limit;
};
struct CreateOperatorRequest {
  std::string name;
  OperatorRole role = OperatorRole::kReviewer;
};

// Each: ValidationError naming the field for malformed JSON, a non-object body, a missing,
// ill-typed or over-long field, or a field the endpoint does not know. An empty body reads as {}.
Result<SignInRequest> DecodeSignIn(std::string_view body);
// {"reason"?} (≤ 500 characters).
Result<DecisionRequest> DecodeApprove(std::string_view body);
// {"reasonCode"?, "reason"} (reason required, ≤ 500 characters; the code is checked by the service).
Result<DecisionRequest> DecodeReject(std::string_view body);
// {"name", "limit"?} (limit ≥ 0).
Result<CreateAccountRequest> DecodeCreateAccount(std::string_view body);
// {"limit"}: an integer (≥ 1 is the service's rule).
Result<int> DecodeChangeLimit(std::string_view body);
// {"scopes"?}: senderid:read and/or senderid:write; absent → both. Returns the scope mask.
Result<unsigned> DecodeCreateKey(std::string_view body);
// {"name", "role"}.
Result<CreateOperatorRequest> DecodeCreateOperator(std::string_view body);

}  // namespace senderid::json
