#pragma once
// The wire form of SPEC shapes: encoding of responses and CLI output, strict decoding of request
// bodies. The only place that includes nlohmann/json. Pure functions, thread-safe.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/entities.h"
#include "core/error.h"
#include "core/ports/voice_caller.h"
#include "core/services/accounts_service.h"
#include "core/services/documents_service.h"
#include "core/services/reviews_service.h"
#include "core/services/verification_service.h"

namespace senderid::json {

std::string EncodeAccountDoc(const AccountDoc& doc);
std::string EncodeStringArray(const std::vector<std::string>& values);
// {"errorCode","errorMessage"} plus "mfa" when the error carries MFA details.
std::string EncodeError(std::string_view error_code, std::string_view message,
                        const std::optional<MfaDetails>& mfa);

// CLI output.
std::string EncodeCredentials(const Credentials& c, bool with_account);
std::string EncodeAccount(const Account& a);
// A flat object of string fields, in the given order.
std::string EncodeFields(
    std::initializer_list<std::pair<std::string_view, std::string_view>> fields);

// Documents (SPEC §3.6). `url_prefix` is the public base URL (no trailing slash) or "".
std::string EncodeDocument(const Document& d, std::string_view url_prefix);
std::string EncodeDocuments(const std::vector<Document>& docs, std::string_view url_prefix);
std::string EncodeDocumentPage(const DocumentPage& page, std::string_view url_prefix);
// The operator's review queue; `documents_dir` is where the files are, for their paths.
std::string EncodeReviewItems(const std::vector<ReviewItem>& items, std::string_view documents_dir);
std::string EncodeReviewItem(const ReviewItem& item, std::string_view documents_dir);

struct UploadRequest {
  std::string file;
  std::string category;
  std::optional<std::string> name;
};
struct LimitationRequest {
  std::vector<std::string> documents;
  int64_t limit = 0;
};
struct DuplicateRequest {
  std::string reason;
  std::optional<std::string> name;
};
Result<UploadRequest> DecodeUpload(std::string_view body);
// {"documents": [DOC ids…]} with at least one id (upload-free papers and document deletion).
Result<std::vector<std::string>> DecodeDocumentIds(std::string_view body);
Result<LimitationRequest> DecodeLimitation(std::string_view body);
Result<DuplicateRequest> DecodeDuplicate(std::string_view body);

struct CreateNumberRequest {
  std::string phone_number;
  std::vector<std::string> documents;
};
struct UpdateStatusRequest {
  std::string status;
};

// ValidationError naming the field for malformed JSON, a non-object body, a missing or ill-typed
// field, or a field the endpoint does not know. An empty body reads as {}.
Result<CreateNumberRequest> DecodeCreateNumber(std::string_view body);
Result<UpdateStatusRequest> DecodeUpdateStatus(std::string_view body);
// The x-mfa-data header (SPEC §5): a JSON object with "authType", "extras": {"phoneNumber"} and,
// in step 2, "transactionId" and "token" (strings). Unknown fields are ignored. kInvalidMFAData when
// it is not such an object.
Result<MfaData> DecodeMfaData(std::string_view header);

// The JSON of a verification call, as the outbox writes it and the webhook posts it.
std::string EncodeVoiceCall(const VoiceCall& call);

// For endpoints without a body: anything but nothing, whitespace or {} is refused.
Status DecodeEmptyBody(std::string_view body);

}  // namespace senderid::json
