#pragma once
// The customer API's wire form (SPEC §3, §4, §9): encoding of answers, strict decoding of request
// bodies and of the x-mfa-data header. Nothing here carries a file-system path. Pure functions,
// thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/entities.h"
#include "core/error.h"
#include "core/values.h"

namespace senderid::json {

std::string EncodeAccountDoc(const AccountDoc& doc);
std::string EncodeStringArray(const std::vector<std::string>& values);
// {"errorCode","errorMessage"} plus "mfa" when there are MFA details.
std::string EncodeError(std::string_view error_code, std::string_view message,
                        const std::optional<MfaDetails>& mfa);

// Documents (SPEC §3.6). `url_prefix` is the public base URL (no trailing slash) or "".
std::string EncodeDocument(const Document& d, std::string_view url_prefix);
std::string EncodeDocuments(const std::vector<Document>& docs, std::string_view url_prefix);
std::string EncodeDocumentPage(const DocumentPage& page, std::string_view url_prefix);

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
struct CreateNumberRequest {
  std::string phone_number;
  std::vector<std::string> documents;
};
struct UpdateStatusRequest {
  std::string status;
};

// ValidationError naming the field for malformed JSON, a non-object body, a missing, ill-typed or
// over-long (SPEC §4 Bounds) field, or a field the endpoint does not know. An empty body reads as {}.
Result<UploadRequest> DecodeUpload(std::string_view body);
// {"documents": [DOC ids…]} with at least one id (upload-free papers and document deletion).
Result<std::vector<std::string>> DecodeDocumentIds(std::string_view body);
Result<LimitationRequest> DecodeLimitation(std::string_view body);
Result<DuplicateRequest> DecodeDuplicate(std::string_view body);
Result<CreateNumberRequest> DecodeCreateNumber(std::string_view body);
Result<UpdateStatusRequest> DecodeUpdateStatus(std::string_view body);
// For endpoints without a body: anything but nothing, whitespace or {} is refused.
Status DecodeEmptyBody(std::string_view body);

// The x-mfa-data header (SPEC §5): a JSON object with "authType", "extras": {"phoneNumber"} and,
// in step 2, "transactionId" and "token" (strings). Unknown fields are ignored. kInvalidMFAData when
// it is not such an object.
Result<MfaData> DecodeMfaData(std::string_view header);

}  // namespace senderid::json
