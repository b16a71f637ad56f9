#pragma once
// Domain events (SPEC §12): the typed value of every change the lifecycle records. Each is written
// to the store in the same transaction as its change (core/lifecycle), with the account's gap-free
// sequence; its `data` is encoded by an EventEncoder (json/) as the resource right after the change.

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/entities.h"
#include "core/time.h"

namespace senderid {

enum class EventType {
  kSenderIdCreated,
  kSenderIdVerified,
  kSenderIdStatusChanged,
  kSenderIdDuplicated,
  kSenderIdExpiring,
  kSenderIdExpired,
  kSenderIdDeleted,
  kVerificationLocked,
  kApprovalRequested,
  kApprovalApproved,
  kApprovalRejected,
  kApprovalCancelled,
  kLimitationRequested,
  kLimitationApproved,
  kLimitationRejected,
  kDuplicateRequested,
  kDuplicateApproved,
  kDuplicateRejected,
  kDuplicateCancelled,
  kAccountLimitChanged,
  kDocumentUploaded,
  kDocumentDeleted,
};

// "senderid.created", … (SPEC §12 table).
std::string_view ToString(EventType type);
std::optional<EventType> ParseEventType(std::string_view name);
// Every type, in table order.
const std::vector<EventType>& AllEventTypes();

// Type patterns (SPEC §12: GET /events `type`, a webhook's `types`): an exact type of the table,
// "<first segment>.*" of one ("senderid.*"), or "*". Anything else is not a pattern.
bool IsEventTypePattern(std::string_view pattern);
bool PatternMatches(std::string_view pattern, EventType type);
bool AnyPatternMatches(const std::vector<std::string>& patterns, EventType type);
// The types `pattern` matches, in table order; empty when it is not a pattern.
std::vector<EventType> TypesMatching(std::string_view pattern);

// An ARS transaction spent its last attempt (verification.locked).
struct LockedVerification {
  std::string phone_number;
  std::string transaction_id;
};

// An operator edited the account's limit (account.limit_changed).
struct LimitChange {
  int limit = 0;
  int limit_before = 0;
};

// A review request as an event shows it; `limit` is the account's new limit on limitation.approved.
struct ReviewChange {
  ReviewRequest request;
  std::optional<int> limit;
};

struct DomainEvent {
  EventType type = EventType::kSenderIdCreated;
  std::string account_id;
  TimeMs at = 0;
  // What the event is about, for lookups by the store: a handleKey, request id, document id or
  // transaction id.
  std::string subject;
  // The resource right after the change (for a deletion: as it was before). A SenderId's `log` holds
  // only the lines the causing unit of change appended (SPEC §12).
  std::variant<SenderId, ReviewChange, Document, LockedVerification, LimitChange> data;
};

// An event as stored: `data` is the JSON the EventEncoder made; `sequence` is assigned by the store.
struct EventRecord {
  std::string event_id;  // EVT…
  std::string account_id;
  int64_t sequence = 0;
  EventType type = EventType::kSenderIdCreated;
  std::string subject;
  TimeMs date_created = 0;
  std::string data;
};

}  // namespace senderid
