#include "core/entities.h"

namespace senderid {

std::string_view ToString(NumberStatus s) {
  switch (s) {
    case NumberStatus::kPending: return "PENDING";
    case NumberStatus::kActive: return "ACTIVE";
    case NumberStatus::kInactive: return "INACTIVE";
    case NumberStatus::kDuplicated: return "DUPLICATED";
    case NumberStatus::kExpired: return "EXPIRED";
  }
  return "PENDING";
}

std::string_view ToString(VerificationMethod m) {
  switch (m) {
    case VerificationMethod::kNone: return "";
    case VerificationMethod::kArs: return "ARS";
    case VerificationMethod::kDocument: return "DOCUMENT";
  }
  return "";
}

std::string_view ToString(RequestStatus s) {
  switch (s) {
    case RequestStatus::kPending: return "PENDING";
    case RequestStatus::kApproved: return "APPROVED";
    case RequestStatus::kRejected: return "REJECTED";
    case RequestStatus::kCancelled: return "CANCELLED";
  }
  return "PENDING";
}

std::string_view ToString(ActiveState s) {
  return s == ActiveState::kActive ? "ACTIVE" : "INACTIVE";
}

std::optional<NumberStatus> ParseNumberStatus(std::string_view s) {
  for (auto v : {NumberStatus::kPending, NumberStatus::kActive, NumberStatus::kInactive,
                 NumberStatus::kDuplicated, NumberStatus::kExpired})
    if (ToString(v) == s) return v;
  return std::nullopt;
}

std::optional<RequestStatus> ParseRequestStatus(std::string_view s) {
  for (auto v : {RequestStatus::kPending, RequestStatus::kApproved, RequestStatus::kRejected,
                 RequestStatus::kCancelled})
    if (ToString(v) == s) return v;
  return std::nullopt;
}

std::string_view ToString(ReviewKind k) {
  switch (k) {
    case ReviewKind::kApproval: return "approval";
    case ReviewKind::kLimitation: return "limitation";
    case ReviewKind::kDuplicate: return "duplicate";
  }
  return "approval";
}

std::optional<ReviewKind> ParseReviewKind(std::string_view s) {
  for (auto v : {ReviewKind::kApproval, ReviewKind::kLimitation, ReviewKind::kDuplicate})
    if (ToString(v) == s) return v;
  return std::nullopt;
}

bool IsReasonCode(std::string_view code) {
  for (std::string_view known : {"DOCUMENT_UNREADABLE", "DOCUMENT_MISMATCH", "DOCUMENT_OUTDATED",
                                 "WRONG_DOCUMENT_TYPE", "INSUFFICIENT_REASON", "OTHER"})
    if (code == known) return true;
  return false;
}

std::string_view ToString(MfaState s) {
  switch (s) {
    case MfaState::kPlacing: return "PLACING";
    case MfaState::kOpen: return "OPEN";
    case MfaState::kConsumed: return "CONSUMED";
    case MfaState::kVoid: return "VOID";
  }
  return "VOID";
}

std::optional<MfaState> ParseMfaState(std::string_view s) {
  for (auto v : {MfaState::kPlacing, MfaState::kOpen, MfaState::kConsumed, MfaState::kVoid})
    if (ToString(v) == s) return v;
  return std::nullopt;
}

}  // namespace senderid
