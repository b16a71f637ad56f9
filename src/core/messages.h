#pragma once
// Error texts the client sees. SPEC gives some verbatim (§4, §9); the rest follow their tone.

#include <string_view>

namespace senderid::message {

inline constexpr std::string_view kInvalidPhoneNumber = "전화번호가 유효하지 않습니다.";
inline constexpr std::string_view kInvalidSenderId = "등록된 발신번호 정보를 찾을 수 없습니다.";
inline constexpr std::string_view kInvalidDocumentId = "등록된 문서 정보를 찾을 수 없습니다.";
inline constexpr std::string_view kFailedToUpdate =
    "등록된 발신번호의 상태가 'ACTIVE', 'INACTIVE'가 아닙니다.";
inline constexpr std::string_view kFailedToDelete = "'ACTIVE'상태의 발신번호는 삭제가 불가능합니다.";
inline constexpr std::string_view kAlreadyApproved = "이미 승인된 상태입니다.";
inline constexpr std::string_view kAlreadyRegistered = "이미 등록된 발신번호입니다.";
inline constexpr std::string_view kLimitExceeded = "등록 가능한 발신번호 개수를 초과하였습니다.";
inline constexpr std::string_view kDuplicatedSenderId =
    "다른 계정에서 인증된 발신번호입니다. 중복해제 요청을 먼저 진행해 주세요.";
inline constexpr std::string_view kAlreadyRequested = "이미 처리 대기 중인 요청이 있습니다.";
inline constexpr std::string_view kFileSizeTooLarge = "파일 크기는 700KB를 넘을 수 없습니다.";
inline constexpr std::string_view kInvalidFileType =
    "'png', 'gif', 'jpg', 'jpeg', 'pdf', 'tif', 'tiff'형식의 파일만 지원가능 합니다.";
inline constexpr std::string_view kDocumentInUse = "요청에 사용 중인 문서는 삭제할 수 없습니다.";

}  // namespace senderid::message
