#pragma once
// The registry's records (SPEC §3) as plain values. No behaviour beyond naming; the rules that change
// them live in core/lifecycle and the services, their storage behind core/ports, their wire form in
// json/.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace senderid {

enum class NumberStatus { kPending, kActive, kInactive, kDuplicated, kExpired };
enum class VerificationMethod { kNone, kArs, kDocument };
// kCancelled: closed without a decision because its number was deleted.
enum class RequestStatus { kPending, kApproved, kRejected, kCancelled };
enum class ActiveState { kActive, kInactive };

std::string_view ToString(NumberStatus s);
std::string_view ToString(VerificationMethod m);  // "" for kNone
std::string_view ToString(RequestStatus s);
std::string_view ToString(ActiveState s);
std::optional<NumberStatus> ParseNumberStatus(std::string_view s);
std::optional<RequestStatus> ParseRequestStatus(std::string_view s);

// Verified numbers hold their phone number against other accounts (SPEC §4.1).
inline bool IsVerified(NumberStatus s) {
  return s == NumberStatus::kActive || s == NumberStatus::kInactive;
}

struct Account {
  std::string account_id;  // digits
  std::string name;
  int limit = 5;
  ActiveState state = ActiveState::kActive;
  TimeMs date_created = 0;
  TimeMs date_updated = 0;
};

enum Scope : unsigned { kScopeRead = 1u, kScopeWrite = 2u };

// An API key row as stored: the secret is sealed (Crypto::Seal) and opened by the authenticator.
struct StoredApiKey {
  std::string api_key;
  std::string account_id;
  std::string sealed_secret;
  unsigned scopes = 0;
  ActiveState state = ActiveState::kActive;
  TimeMs date_created = 0;
};

struct LogEntry {
  TimeMs create_at = 0;
  std::string message;
};

// Uploaded evidence (SPEC §3.6). The bytes live in the BlobStore under `name`.
struct Document {
  std::string document_id;  // DOC…
  std::string account_id;
  std::string name;           // generated stem + detected extension; the blob's name
  std::string original_name;  // the client's name, or `name`
  std::string category;       // SENDERID_APPROVAL, … (underscores)
  std::string content_type;   // from the magic bytes
  int64_t size = 0;
  bool use = false;  // attached to a request that is not closed
  TimeMs date_created = 0;
};

// What an operator reviews (SPEC §3.3–3.5, §10): evidence for a number, a limit raise, or a duplicate
// unlock. One record type for the three kinds so that the review queue is one list.
enum class ReviewKind { kApproval, kLimitation, kDuplicate };
std::string_view ToString(ReviewKind k);  // "approval", "limitation", "duplicate"
std::optional<ReviewKind> ParseReviewKind(std::string_view s);

// Why an operator rejected a request (SPEC §13): DOCUMENT_UNREADABLE, DOCUMENT_MISMATCH,
// DOCUMENT_OUTDATED, WRONG_DOCUMENT_TYPE, INSUFFICIENT_REASON, OTHER — any code on any kind.
inline constexpr std::string_view kDefaultReasonCode = "OTHER";
bool IsReasonCode(std::string_view code);

struct ReviewRequest {
  std::string request_id;  // APD…, LID…, DUP…
  ReviewKind kind = ReviewKind::kApproval;
  std::string account_id;
  std::string handle_key;    // approval, duplicate: the entry
  std::string phone_number;  // approval, duplicate: the entry's number
  std::vector<std::string> documents;
  RequestStatus status = RequestStatus::kPending;
  std::optional<std::string> reason;       // the operator's reason, shown to the customer
  std::optional<std::string> reason_code;  // a rejection's ReasonCode (SPEC §13); null otherwise
  std::string reason_for_requested;   // duplicate: the customer's reason
  std::string contact_name;           // duplicate: the customer's contact
  int limit_requested = 0;            // limitation
  int limit_before_request = 0;       // limitation
  std::optional<std::string> decided_by;
  std::optional<TimeMs> date_decided;
  // An operator's lease on the review (SPEC §13): others cannot decide it until claimed_until.
  std::optional<std::string> claimed_by;
  std::optional<TimeMs> claimed_until;
  TimeMs date_created = 0;
  TimeMs date_updated = 0;
};

struct SenderId {
  std::string handle_key;  // SED…
  std::string account_id;
  std::string phone_number;  // digits only
  NumberStatus status = NumberStatus::kPending;
  VerificationMethod method = VerificationMethod::kNone;
  std::optional<TimeMs> expire_at;
  std::vector<LogEntry> log;
  std::vector<ReviewRequest> approvals;   // evidence requests for this entry, oldest first
  std::optional<ReviewRequest> unlock;    // the latest duplicate-unlock request, if any
  // An operator approved this entry's duplicate unlock: it may be verified although another account
  // holds the number (SPEC §4.1).
  bool duplicate_unlocked = false;
  TimeMs date_created = 0;
  TimeMs date_updated = 0;
};

// One ARS verification: a call placed with a code, and what became of it (SPEC §5). The row also
// counts the call against the call limits, so it outlives the transaction by the limit window.
enum class MfaState { kPlacing, kOpen, kConsumed, kVoid };
std::string_view ToString(MfaState s);
std::optional<MfaState> ParseMfaState(std::string_view s);

struct MfaTransaction {
  std::string transaction_id;  // 32 lowercase hex
  std::string account_id;
  std::string handle_key;
  std::string phone_number;
  std::string code_hash;  // Crypto::KeyedHash of the code; the code itself is never stored
  int attempts_used = 0;
  MfaState state = MfaState::kPlacing;
  TimeMs created_at = 0;
  TimeMs expires_at = 0;
};

// The answer of every write on numbers and papers (SPEC §3.1).
struct AccountDoc {
  Account account;
  std::vector<SenderId> sender_ids;  // by date_created ascending
  std::vector<ReviewRequest> limitations;  // limit-raise requests, oldest first
  // Set only for a paged answer (SPEC §8): the handleKey that starts the next page, or null at the end.
  bool paged = false;
  std::optional<std::string> next_key;
};

}  // namespace senderid
