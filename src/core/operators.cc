#include "core/operators.h"

namespace senderid {

std::string_view ToString(OperatorRole role) {
  return role == OperatorRole::kAdmin ? "admin" : "reviewer";
}

std::optional<OperatorRole> ParseOperatorRole(std::string_view s) {
  if (s == "admin") return OperatorRole::kAdmin;
  if (s == "reviewer") return OperatorRole::kReviewer;
  return std::nullopt;
}

std::string_view ToString(OperatorState state) {
  return state == OperatorState::kActive ? "ACTIVE" : "DISABLED";
}

std::optional<OperatorState> ParseOperatorState(std::string_view s) {
  if (s == "ACTIVE") return OperatorState::kActive;
  if (s == "DISABLED") return OperatorState::kDisabled;
  return std::nullopt;
}

bool IsOperatorName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace senderid
