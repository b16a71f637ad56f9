#include "core/events.h"

#include <array>
#include <utility>

namespace senderid {
namespace {

constexpr std::array<std::pair<EventType, std::string_view>, 22> kNames = {{
    {EventType::kSenderIdCreated, "senderid.created"},
    {EventType::kSenderIdVerified, "senderid.verified"},
    {EventType::kSenderIdStatusChanged, "senderid.status_changed"},
    {EventType::kSenderIdDuplicated, "senderid.duplicated"},
    {EventType::kSenderIdExpiring, "senderid.expiring"},
    {EventType::kSenderIdExpired, "senderid.expired"},
    {EventType::kSenderIdDeleted, "senderid.deleted"},
    {EventType::kVerificationLocked, "verification.locked"},
    {EventType::kApprovalRequested, "approval.requested"},
    {EventType::kApprovalApproved, "approval.approved"},
    {EventType::kApprovalRejected, "approval.rejected"},
    {EventType::kApprovalCancelled, "approval.cancelled"},
    {EventType::kLimitationRequested, "limitation.requested"},
    {EventType::kLimitationApproved, "limitation.approved"},
    {EventType::kLimitationRejected, "limitation.rejected"},
    {EventType::kDuplicateRequested, "duplicate.requested"},
    {EventType::kDuplicateApproved, "duplicate.approved"},
    {EventType::kDuplicateRejected, "duplicate.rejected"},
    {EventType::kDuplicateCancelled, "duplicate.cancelled"},
    {EventType::kAccountLimitChanged, "account.limit_changed"},
    {EventType::kDocumentUploaded, "document.uploaded"},
    {EventType::kDocumentDeleted, "document.deleted"},
}};

}  // namespace

std::string_view ToString(EventType type) {
  for (const auto& [t, name] : kNames)
    if (t == type) return name;
  return "";
}

std::optional<EventType> ParseEventType(std::string_view name) {
  for (const auto& [t, n] : kNames)
    if (n == name) return t;
  return std::nullopt;
}

const std::vector<EventType>& AllEventTypes() {
  static const std::vector<EventType> all = [] {
    std::vector<EventType> v;
    for (const auto& entry : kNames) v.push_back(entry.first);
    return v;
  }();
  return all;
}

bool PatternMatches(std::string_view pattern, EventType type) {
  if (pattern == "*") return true;
  const std::string_view name = ToString(type);
  if (pattern.size() >= 2 && pattern.substr(pattern.size() - 2) == ".*") {
    const std::string_view prefix = pattern.substr(0, pattern.size() - 1);  // "senderid."
    // The first segment only: "senderid.*" matches "senderid.created", never "a.b.*" forms.
    return prefix.find('.') == prefix.size() - 1 && name.substr(0, prefix.size()) == prefix;
  }
  return pattern == name;
}

std::vector<EventType> TypesMatching(std::string_view pattern) {
  std::vector<EventType> out;
  for (EventType t : AllEventTypes())
    if (PatternMatches(pattern, t)) out.push_back(t);
  return out;
}

bool IsEventTypePattern(std::string_view pattern) { return !TypesMatching(pattern).empty(); }

bool AnyPatternMatches(const std::vector<std::string>& patterns, EventType type) {
  for (const std::string& p : patterns)
    if (PatternMatches(p, type)) return true;
  return false;
}

}  // namespace senderid
