#include "http/error_answer.h"

#include <spdlog/spdlog.h>

#include <optional>

#include "json/customer_codec.h"

namespace senderid::http {
namespace {

struct Wire {
  int status;
  std::string_view name;
};

Wire ToWire(ErrorCode code) {
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
    case ErrorCode::kUnauthorized: return {401, "Unauthorized"};
    case ErrorCode::kInvalidCredentials: return {401, "InvalidCredentials"};
    case ErrorCode::kInvalidMFAToken: return {403, "InvalidMFAToken"};
    case ErrorCode::kMFATransactionExpired: return {403, "MFATransactionExpired"};
    case ErrorCode::kNotFound: return {404, "ResourceNotFound"};
    case ErrorCode::kAlreadyRegistered: return {409, "AlreadyRegistered"};
    case ErrorCode::kAlreadyApproved: return {409, "AlreadyApproved"};
    case ErrorCode::kAlreadyRequested: return {409, "AlreadyRequested"};
    case ErrorCode::kAlreadyDecided: return {409, "AlreadyDecided"};
    case ErrorCode::kDuplicatedSenderId: return {409, "DuplicatedSenderId"};
    case ErrorCode::kFailedToUpdate: return {409, "FailedToUpdate"};
    case ErrorCode::kFailedToDelete: return {409, "FailedToDelete"};
    case ErrorCode::kDocumentInUse: return {409, "DocumentInUse"};
    case ErrorCode::kReviewClaimed: return {409, "ReviewClaimed"};
    case ErrorCode::kFileSizeTooLarge: return {413, "FileSizeTooLarge"};
    case ErrorCode::kMFAAttemptsExceeded: return {429, "MFAAttemptsExceeded"};
    case ErrorCode::kTooManyVerificationCalls: return {429, "TooManyVerificationCalls"};
    case ErrorCode::kTooManyRequests: return {429, "TooManyRequests"};
    case ErrorCode::kTooManyLoginAttempts: return {429, "TooManyLoginAttempts"};
    case ErrorCode::kVoiceCallFailed: return {502, "VoiceCallFailed"};
    case ErrorCode::kServiceUnavailable: return {503, "ServiceUnavailable"};
    // A store key conflict that reaches a client is a bug of ours.
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kInternalError: return {500, "InternalError"};
  }
  return {500, "InternalError"};
}

Wire ToWire(HttpError error) {
  switch (error) {
    case HttpError::kResourceNotFound: return {404, "ResourceNotFound"};
    case HttpError::kMethodNotAllowed: return {405, "MethodNotAllowed"};
    case HttpError::kPayloadTooLarge: return {413, "PayloadTooLarge"};
    // SPEC §9 has no code for 431; this one names what happened.
    case HttpError::kHeaderTooLarge: return {431, "RequestHeaderFieldsTooLarge"};
    case HttpError::kMalformed: return {400, "ValidationError"};
    case HttpError::kUnsupportedMediaType: return {415, "UnsupportedMediaType"};
    case HttpError::kMisdirectedRequest: return {421, "MisdirectedRequest"};
    case HttpError::kBodyMemoryExhausted: return {503, "ServiceUnavailable"};
    case HttpError::kInternal: return {500, "InternalError"};
  }
  return {500, "InternalError"};
}

Response Answer(Wire wire, std::string_view message, const std::optional<MfaDetails>& mfa,
                std::optional<int64_t> retry_after) {
  Response r;
  r.status = wire.status;
  r.log_error = std::string(wire.name);
  r.body = json::EncodeError(wire.name, message, mfa);
  if (retry_after) r.headers.push_back({"Retry-After", std::to_string(*retry_after)});
  return r;
}

// What a client may read of a 5xx: the request id, never the details.
std::string GenericText(int status, const std::string& request_id) {
  return (status == 503 ? "the service is temporarily unavailable (request id "
                        : "internal error (request id ") +
         request_id + ")";
}

}  // namespace

Response ErrorAnswer(const Error& error, const std::string& request_id) {
  const Wire wire = ToWire(error.code);
  // A failed voice call is the gateway's fault and its text is ours to show; other 5xx are not.
  if (wire.status >= 500 && error.code != ErrorCode::kVoiceCallFailed) {
    spdlog::error("request {} failed: {}", request_id, error.message);
    // SPEC §11: a 503 says when to come back — the store recovers by itself within seconds.
    std::optional<int64_t> retry_after = error.retry_after_seconds;
    if (wire.status == 503 && !retry_after) retry_after = 1;
    return Answer(wire, GenericText(wire.status, request_id), std::nullopt, retry_after);
  }
  return Answer(wire, error.message, error.mfa, error.retry_after_seconds);
}

Response ErrorAnswer(HttpError error, std::string_view message, const std::string& request_id) {
  const Wire wire = ToWire(error);
  if (error == HttpError::kBodyMemoryExhausted) return Answer(wire, GenericText(503, request_id), std::nullopt, 1);
  if (wire.status >= 500) {
    spdlog::error("request {} failed: {}", request_id, message);
    return Answer(wire, GenericText(wire.status, request_id), std::nullopt, std::nullopt);
  }
  return Answer(wire, message, std::nullopt, std::nullopt);
}

Response ChallengeAnswer(const MfaChallenge& challenge) {
  return Answer({403, "MFARequired"}, challenge.message, challenge.details, std::nullopt);
}

}  // namespace senderid::http
