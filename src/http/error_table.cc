#include "http/error_table.h"

namespace senderid::http {

WireError ToWire(ErrorCode code) {
  switch (code) {
    case ErrorCode::kValidationError: return {400, "ValidationError"};
    case ErrorCode::kInvalidPhoneNumber: return {400, "InvalidPhoneNumber"};
    case ErrorCode::kInvalidSenderId: return {400, "InvalidSenderId"};
    case ErrorCode::kInvalidDocumentId: return {400, "InvalidDocumentId"};
    case ErrorCode::kLimitExceeded: return {400, "LimitExceeded"};
    case ErrorCode::kInvalidFileType: return {400, "InvalidFileType"};
    case ErrorCode::kInvalidMFAData: return {400, "InvalidMFAData"};
    case ErrorCode::kInvalidAPIKey: return {403, "InvalidAPIKey"};
    case ErrorCode::kSignatureDoesNotMatch: return {403, "SignatureDoesNotMatch"};
    case ErrorCode::kRequestTimeTooSkewed: return {403, "RequestTimeTooSkewed"};
    case ErrorCode::kDuplicatedSignature: return {403, "DuplicatedSignature"};
    case ErrorCode::kForbidden: return {403, "Forbidden"};
    case ErrorCode::kMFARequired: return {403, "MFARequired"};
    case ErrorCode::kInvalidMFAToken: return {403, "InvalidMFAToken"};
    case ErrorCode::kMFATransactionExpired: return {403, "MFATransactionExpired"};
    case ErrorCode::kResourceNotFound: return {404, "ResourceNotFound"};
    case ErrorCode::kMethodNotAllowed: return {405, "MethodNotAllowed"};
    case ErrorCode::kAlreadyRegistered: return {409, "AlreadyRegistered"};
    case ErrorCode::kAlreadyApproved: return {409, "AlreadyApproved"};
    case ErrorCode::kAlreadyRequested: return {409, "AlreadyRequested"};
    case ErrorCode::kDuplicatedSenderId: return {409, "DuplicatedSenderId"};
    case ErrorCode::kFailedToUpdate: return {409, "FailedToUpdate"};
    case ErrorCode::kFailedToDelete: return {409, "FailedToDelete"};
    case ErrorCode::kDocumentInUse: return {409, "DocumentInUse"};
    case ErrorCode::kFileSizeTooLarge: return {413, "FileSizeTooLarge"};
    case ErrorCode::kPayloadTooLarge: return {413, "PayloadTooLarge"};
    case ErrorCode::kMFAAttemptsExceeded: return {429, "MFAAttemptsExceeded"};
    case ErrorCode::kTooManyVerificationCalls: return {429, "TooManyVerificationCalls"};
    case ErrorCode::kVoiceCallFailed: return {502, "VoiceCallFailed"};
    case ErrorCode::kServiceUnavailable: return {503, "ServiceUnavailable"};
    // Operator-side codes never reach the API; if one does, it is a bug.
    case ErrorCode::kNotFound:
    case ErrorCode::kConflict:
    case ErrorCode::kInternalError: return {500, "InternalError"};
  }
  return {500, "InternalError"};
}

}  // namespace senderid::http
