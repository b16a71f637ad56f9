#pragma once
// Every text the registry says, in one place: what customers read in errorMessage (Korean, SPEC §4
// and §9 give some verbatim, the rest follow their tone), the log lines of a number (SPEC §3.2,
// exact), what a voice call speaks (SPEC §5.1), and the English texts of validation errors raised by
// the core. Texts about HTTP itself (unknown route, malformed request) live in http/error_answer.cc;
// decoders name the offending field in their own English texts.

#include <string>
#include <string_view>

namespace senderid::text {

// errorMessage texts (SPEC §4, §5, §9).
namespace message {
inline constexpr std::string_view kInvalidPhoneNumber = "전화번호가 유효하지 않습니다.";
inline constexpr std::string_view kInvalidSenderId = "등록된 발신번호 정보를 찾을 수 없습니다.";
inline constexpr std::string_view kInvalidDocumentId = "등록된 문서 정보를 찾을 수 없습니다.";
inline constexpr std::string_view kFailedToUpdate =
    "등록된 발신번호의 상태가 'ACTIVE', 'INACTIVE'가 아닙니다.";
inline constexpr std::string_view kFailedToDelete = "'ACTIVE'상태의 발신번호는 삭제가 불가능합니다.";
inline constexpr std::string_view kAlreadyApproved = "이미 승인된 상태입니다.";
inline constexpr std::string_view kAlreadyRegistered = "이미 등록된 발신번호입니다.";
inline constexpr std::string_view kLimitExceeded = "등록 가능한 발신번호 개수를 초과하였습니다.";
inline constexpr std::string_view kDocumentLimitExceeded = "등록 가능한 문서 개수를 초과하였습니다.";
inline constexpr std::string_view kDuplicatedSenderId =
    "다른 계정에서 인증된 발신번호입니다. 중복해제 요청을 먼저 진행해 주세요.";
inline constexpr std::string_view kAlreadyRequested = "이미 처리 대기 중인 요청이 있습니다.";
inline constexpr std::string_view kAlreadyDecided = "이미 처리가 완료된 요청입니다.";
inline constexpr std::string_view kFileSizeTooLarge = "파일 크기는 700KB를 넘을 수 없습니다.";
inline constexpr std::string_view kInvalidFileType =
    "'png', 'gif', 'jpg', 'jpeg', 'pdf', 'tif', 'tiff'형식의 파일만 지원가능 합니다.";
inline constexpr std::string_view kDocumentInUse = "요청에 사용 중인 문서는 삭제할 수 없습니다.";
inline constexpr std::string_view kTooManyStatusChanges =
    "발신번호 상태 변경 횟수를 초과하였습니다. 잠시 후 다시 시도해 주세요.";

// ARS (SPEC §5).
inline constexpr std::string_view kMfaRequired =
    "ARS 인증이 필요합니다. x-mfa-data 헤더로 인증 전화를 요청해 주세요.";
inline constexpr std::string_view kMfaCallPlaced =
    "음성 전화로 인증번호를 안내했습니다. 안내받은 인증번호를 token으로 보내 주세요.";
inline constexpr std::string_view kMfaTransactionExpired =
    "인증 요청이 만료되었거나 유효하지 않습니다. 인증을 다시 요청해 주세요.";
inline constexpr std::string_view kTooManyVerificationCalls =
    "인증 전화 요청 횟수를 초과하였습니다. 잠시 후 다시 시도해 주세요.";
inline constexpr std::string_view kMfaAttemptsExceeded =
    "인증번호 입력 횟수를 초과하였습니다. 인증을 다시 요청해 주세요.";
inline constexpr std::string_view kInvalidMfaToken = "인증번호가 일치하지 않습니다.";
inline constexpr std::string_view kVoiceCallFailed =
    "음성 전화 연결에 실패하였습니다. 잠시 후 다시 시도해 주세요.";

// Authentication (SPEC §2). English, as SOLAPI answers them.
inline constexpr std::string_view kAuthorizationMissing = "Authorization header is missing";
inline constexpr std::string_view kAuthorizationRepeated =
    "Exactly one Authorization (or Authentication) header is allowed";
inline constexpr std::string_view kInvalidApiKey = "Invalid API Key";
inline constexpr std::string_view kBadAuthorizationDate = "Invalid Authorization header: bad date";
inline constexpr std::string_view kTimeTooSkewed =
    "The request date must be within 15 minutes of the server time";
inline constexpr std::string_view kSignatureMismatch = "Signature does not match";
inline constexpr std::string_view kSignatureReplayed = "The signature was already used";
inline constexpr std::string_view kAccountInactive = "The account is not active";
inline constexpr std::string_view kScopeMissing = "The API key lacks the scope this request needs";
}  // namespace message

// The log lines of a number (SPEC §3.2), exact.
namespace log {
inline constexpr std::string_view kCreated = "발신번호를 생성하였습니다.";
inline constexpr std::string_view kExpired = "발신번호 인증 기간이 만료되었습니다.";
inline constexpr std::string_view kDocumentsSubmitted = "발신번호 증빙자료 요청을 하였습니다.";
inline constexpr std::string_view kTurnedDuplicated =
    "다른 계정에서 인증이 완료되어 중복 상태로 변경되었습니다.";
inline constexpr std::string_view kEvidenceApproved = "관리자가 증빙자료 요청을 승인하였습니다.";
inline constexpr std::string_view kUnlockApproved = "관리자가 중복해제 요청을 승인하였습니다.";

inline std::string Verified(std::string_view method) {
  return "인증수단 '" + std::string(method) + "'로 발신번호 인증이 완료되었습니다.";
}
inline std::string StatusChanged(std::string_view status) {
  return "발신번호 상태를 '" + std::string(status) + "'로 변경하였습니다.";
}
inline std::string UnlockRequested(std::string_view name, std::string_view reason) {
  return "중복해제 요청을 하였습니다. 담당자명: " + std::string(name) + ", 사유: " + std::string(reason);
}
inline std::string EvidenceRejected(std::string_view reason) {
  return "관리자가 증빙자료 요청을 반려하였습니다. 사유: " + std::string(reason);
}
inline std::string UnlockRejected(std::string_view reason) {
  return "관리자가 중복해제 요청을 반려하였습니다. 사유: " + std::string(reason);
}
}  // namespace log

// What a verification call speaks (SPEC §5.1): the digits one by one.
inline std::string SpokenCode(std::string_view code) {
  std::string spaced;
  for (char c : code) {
    if (!spaced.empty()) spaced += ' ';
    spaced += c;
  }
  return "인증번호는 " + spaced + " 입니다.";
}

// Validation texts of the core (English, naming the field as decoders do).
namespace invalid {
inline constexpr std::string_view kLimitRange = "limit: an integer from 1 to 1000 expected";
inline constexpr std::string_view kPhoneFilter = "phoneNumber: digits expected";
inline constexpr std::string_view kStartKeyUnknown = "startKey: no such handleKey in this listing";
inline constexpr std::string_view kStatusValue = "'status' must be 'ACTIVE' or 'INACTIVE'";
inline constexpr std::string_view kDocumentsRequired =
    "'documents' must list at least one document id";
inline constexpr std::string_view kReasonRequired = "'reason' is required";
inline constexpr std::string_view kCategory =
    "'category' must be SENDERID_APPROVAL, SENDERID_LIMITATION, SENDERID_IDENTIFICATION or "
    "SENDERID_CONSIGNMENT";
inline constexpr std::string_view kMfaAuthType = "x-mfa-data: authType must be \"ARS\"";
inline constexpr std::string_view kMfaPhoneRequired = "x-mfa-data: extras.phoneNumber is required";
inline constexpr std::string_view kMfaPhoneMismatch =
    "x-mfa-data: extras.phoneNumber does not match the number in the path";
inline constexpr std::string_view kMfaPair = "x-mfa-data: transactionId and token go together";
inline constexpr std::string_view kMfaTokenDigits = "x-mfa-data: token must be digits";
inline constexpr std::string_view kMfaRepeated = "x-mfa-data: exactly one header expected";
inline constexpr std::string_view kRejectionReason = "a rejection needs a reason";
inline constexpr std::string_view kReasonTooLong = "'reason' must be at most 500 characters";
inline constexpr std::string_view kReasonCode =
    "'reasonCode' must be DOCUMENT_UNREADABLE, DOCUMENT_MISMATCH, DOCUMENT_OUTDATED, "
    "WRONG_DOCUMENT_TYPE, INSUFFICIENT_REASON or OTHER";
inline constexpr std::string_view kAccountName = "the account needs a name";
inline constexpr std::string_view kKeyScopes = "a key needs at least one scope";
inline constexpr std::string_view kNotSpecial =
    "not a special service number (112, 114, 119, 1301, …); ordinary numbers need no override";
inline std::string LimitNotGreater(int current) {
  return "'limit' must be an integer greater than the current limit (" + std::to_string(current) +
         ")";
}
}  // namespace invalid

// The operators' API (SPEC §13): errorMessage texts of the admin listener.
namespace admin {
inline constexpr std::string_view kInvalidCredentials = "이름 또는 비밀번호가 올바르지 않습니다.";
inline constexpr std::string_view kTooManyLoginAttempts =
    "로그인 시도 횟수를 초과하였습니다. 잠시 후 다시 시도해 주세요.";
inline constexpr std::string_view kSignInBusy = "로그인 요청이 많습니다. 잠시 후 다시 시도해 주세요.";
inline constexpr std::string_view kUnauthorized = "로그인이 필요합니다.";
inline constexpr std::string_view kCsrfMismatch = "X-CSRF-Token 헤더가 없거나 세션과 일치하지 않습니다.";
inline constexpr std::string_view kRoleMissing = "이 작업에는 admin 역할이 필요합니다.";
inline constexpr std::string_view kCrossSite = "다른 사이트에서 보낸 요청은 처리할 수 없습니다.";
inline constexpr std::string_view kReviewClaimed = "다른 운영자가 검토 중인 요청입니다.";
inline constexpr std::string_view kNotFound = "요청한 항목을 찾을 수 없습니다.";
inline constexpr std::string_view kPasswordTooShort = "password must be at least 12 characters";
inline constexpr std::string_view kOperatorName =
    "'name' must be 1-64 characters of letters, digits, '.', '_', '@' or '-'";
inline constexpr std::string_view kOperatorExists = "an operator of that name exists already";
inline constexpr std::string_view kLimitAtLeastOne = "'limit' must be an integer of at least 1";
inline constexpr std::string_view kStartKeyUnknown = "startKey: no such item in this listing";
}  // namespace admin

}  // namespace senderid::text
