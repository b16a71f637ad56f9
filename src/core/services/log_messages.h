#pragma once
// The exact log texts of SPEC §3.2. One place, so that tests and services agree.

#include <string>
#include <string_view>

namespace senderid::log_text {

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

}  // namespace senderid::log_text
