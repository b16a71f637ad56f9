#pragma once
// The one home of every state change of a sender number and of a review request (SPEC §3–§7, §10)
// and of the documents they use. Services decide *whether* a change may happen; a Changes object
// decides *how it is recorded*: each method sets the state, writes the entry's log line (SPEC §3.2
// texts), stamps dateUpdated on the entry and the account, and records the typed domain event
// (SPEC §12) with the account's next sequence — all in the caller's write transaction, so a
// committed change always has its event and an uncommitted one never has.
//
// No service writes log lines, entry rows, review rows or events directly; they go through here.
//
// Thread-safety: Lifecycle is immutable and shared; a Changes object belongs to one transaction and
// its thread, and is made afresh by every run of a write function (a retried run starts clean).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/entities.h"
#include "core/error.h"
#include "core/events.h"
#include "core/ports/event_encoder.h"
#include "core/ports/random.h"
#include "core/ports/store.h"
#include "core/time.h"

namespace senderid {

// Tunables of the registry's rules (SPEC §4, §7), set from configuration.
struct RegistryOptions {
  int default_limit = 5;
  TimeMs pending_lifetime = 12 * kDay;  // PENDING → EXPIRED after this long unverified
  int verified_lifetime_months = 6;     // a verification lasts this many calendar months
};

// Whether a decision respects another operator's claim on the review (SPEC §13): the admin API's
// do; the CLI's ignore them (a shell operator is trusted).
enum class ClaimRule { kIgnore, kHonour };

// Who decided a review, and why (SPEC §10, §13). A rejection carries a reason code (checked by the
// reviews service; OTHER when none was given); an approval none. `source_address` is what the audit
// entry records: the operator's TCP peer, or "cli".
struct Decision {
  std::string decided_by;
  std::optional<std::string> reason = std::nullopt;
  std::optional<std::string> reason_code = std::nullopt;
  std::string source_address = "cli";
  ClaimRule claims = ClaimRule::kIgnore;
};

class Changes;

class Lifecycle {
 public:
  Lifecycle(Random& random, const EventEncoder& encoder, RegistryOptions options);

  // A unit of change in `tx`, at `now` (one instant for everything it records).
  Changes Begin(WriteTx& tx, TimeMs now) const;
  const RegistryOptions& options() const { return options_; }

 private:
  friend class Changes;
  Random& random_;
  const EventEncoder& encoder_;
  RegistryOptions options_;
};

class Changes {
 public:
  TimeMs now() const { return now_; }
  WriteTx& tx() { return tx_; }

  // --- sender numbers ---------------------------------------------------------------------------
  // A new entry: PENDING for pending_lifetime, or DUPLICATED (no expiry) when the number is held by
  // another account. Logs "created"; senderid.created.
  Result<SenderId> Register(const std::string& account_id, const std::string& phone_number,
                            bool held_elsewhere, std::string handle_key);
  // ACTIVE by `method` for verified_lifetime_months; voids the entry's open ARS transactions; logs
  // "verified"; senderid.verified. Then every other account's PENDING/EXPIRED entry for the number
  // that has no approved unlock turns DUPLICATED (logged, its transactions voided,
  // senderid.duplicated).
  Status Verify(SenderId& entry, VerificationMethod method);
  // ACTIVE ↔ INACTIVE of a verified entry; a no-op when it is already `status`. Logs;
  // senderid.status_changed.
  Status SetStatus(SenderId& entry, NumberStatus status);
  // Every entry of the account whose period has lapsed becomes EXPIRED, its log line dated at the
  // moment it lapsed; senderid.expired for each. Cheap when nothing is due.
  Status ExpireDue(const std::string& account_id);
  // Deletes the entry: its pending requests are cancelled (approval.cancelled,
  // duplicate.cancelled), the documents of all its requests released, then senderid.deleted with
  // the entry as it was.
  Status Delete(const SenderId& entry);

  // --- review requests --------------------------------------------------------------------------
  // An evidence request for the entry (documents checked by the caller): logs "documents
  // submitted"; approval.requested.
  Result<ReviewRequest> RequestEvidence(SenderId& entry, std::vector<std::string> documents,
                                        std::string approval_id);
  // A limit raise for the account; limitation.requested.
  Result<ReviewRequest> RequestLimit(const Account& account, std::vector<std::string> documents,
                                     int limit_requested, std::string limitation_id);
  // An unlock request for a DUPLICATED entry: logs "unlock asked"; duplicate.requested.
  Result<ReviewRequest> RequestUnlock(SenderId& entry, std::string reason,
                                      std::string contact_name, std::string duplicate_id);
  // Decisions on a PENDING request (the caller checked that the decision may be taken). Each logs
  // its line on the entry and records its event; approving evidence then verifies the entry
  // (approval.approved, senderid.verified), approving an unlock makes it PENDING again and
  // verifiable although held elsewhere (duplicate.approved), approving a limitation sets the
  // account's limit to max(current, requested) (limitation.approved).
  Status ApproveEvidence(ReviewRequest& request, SenderId& entry, const Decision& decision);
  Status RejectEvidence(ReviewRequest& request, SenderId& entry, const Decision& decision);
  Status ApproveUnlock(ReviewRequest& request, SenderId& entry, const Decision& decision);
  Status RejectUnlock(ReviewRequest& request, SenderId& entry, const Decision& decision);
  Status ApproveLimit(ReviewRequest& request, const Decision& decision);
  Status RejectLimit(ReviewRequest& request, const Decision& decision);

  // --- accounts ---------------------------------------------------------------------------------
  // An operator sets the account's limit (SPEC §13; it may go below the current count); a no-op
  // when it is already `limit`. account.limit_changed.
  Status ChangeLimit(Account& account, int limit);

  // --- documents and verifications --------------------------------------------------------------
  Status AddDocument(const Document& document);               // document.uploaded
  Status DeleteDocument(const Document& document);            // document.deleted
  // An ARS transaction spent its last attempt on a wrong code; verification.locked.
  Status VerificationLocked(const MfaTransaction& transaction);

 private:
  friend class Lifecycle;
  Changes(WriteTx& tx, TimeMs now, const Lifecycle& lifecycle);

  Status AppendLog(SenderId& entry, TimeMs at, std::string message);
  Status UpdateEntry(SenderId& entry);
  Status SaveDecision(ReviewRequest& request, RequestStatus status, const Decision& decision);
  Status TouchAccount(const std::string& account_id);
  Status TurnDuplicated(SenderId& other);
  Status RecordEntry(EventType type, const SenderId& entry);
  Status RecordRequest(EventType type, const ReviewRequest& request,
                       std::optional<int> limit = std::nullopt);
  Status Record(DomainEvent event);

  WriteTx& tx_;
  const TimeMs now_;
  const Lifecycle& lifecycle_;
  // Log lines this unit appended, per handle key: what an event's SenderId carries as its `log`.
  std::map<std::string, std::vector<LogEntry>> appended_;
  std::vector<std::string> touched_accounts_;
};

}  // namespace senderid
