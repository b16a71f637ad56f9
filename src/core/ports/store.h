#pragma once
// The persistence port: everything the core keeps, behind transactions. Owned by the core; the SQLite
// adapter (store/sqlite) and a PostgreSQL adapter implement it without the core or HTTP code changing.
//
// Contract:
//  - Read(fn) runs fn on a consistent snapshot. Write(fn) runs fn in a serialisable transaction and
//    returns only once its effects are durable (a crash after the return loses nothing).
//  - fn may be run more than once (an adapter may retry on a conflict) and must therefore have no
//    effect outside the transaction. If fn returns an error, none of its changes are kept.
//  - Storage failures come back as kServiceUnavailable (store unreachable, disk full, read-only) or
//    kInternalError; domain errors returned by fn come back unchanged.
//  - Every method that takes an account id touches that account's rows only.
//  - Thread-safe: any number of threads may call Read and Write concurrently.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/entities.h"
#include "core/error.h"

namespace senderid {

// An API key row as stored: the secret is sealed (Crypto::Seal) and opened by the core.
struct StoredApiKey {
  std::string api_key;
  std::string account_id;
  std::string sealed_secret;
  unsigned scopes = 0;
  ActiveState state = ActiveState::kActive;
  TimeMs date_created = 0;
};

// Which documents a listing wants (SPEC §4.11). Unset fields do not filter.
struct DocumentFilter {
  std::optional<std::string> document_id;
  std::optional<TimeMs> created_from;  // inclusive
  std::optional<TimeMs> created_to;    // inclusive
  std::optional<std::string> category;
  std::optional<bool> use;
  std::optional<std::string> start_key;  // inclusive upper bound of document_id (newest first)
  int limit = 20;
};

// Which review requests a listing wants. Empty/unset fields do not filter.
struct ReviewFilter {
  std::optional<RequestStatus> status;
  std::optional<ReviewKind> kind;
  std::string account_id;
  std::string handle_key;
};

class StoreReader {
 public:
  virtual ~StoreReader() = default;

  virtual Result<std::optional<Account>> FindAccount(std::string_view account_id) = 0;
  virtual Result<std::optional<StoredApiKey>> FindApiKey(std::string_view api_key) = 0;

  // The account's entries, complete (log, approvals, latest unlock), by date_created ascending.
  virtual Result<std::vector<SenderId>> ListSenderIds(std::string_view account_id) = 0;
  // One complete entry of the account, or nullopt.
  virtual Result<std::optional<SenderId>> FindSenderId(std::string_view account_id,
                                                        std::string_view phone_number) = 0;
  // Entries of every account for one number, without log, approvals or unlock (status checks only).
  virtual Result<std::vector<SenderId>> ListSenderIdsByNumber(std::string_view phone_number) = 0;
  virtual Result<int> CountSenderIds(std::string_view account_id) = 0;
  // ACTIVE numbers of the account whose expire_at is after `now` (or unset), by date_created.
  virtual Result<std::vector<std::string>> ListActiveNumbers(std::string_view account_id,
                                                              TimeMs now) = 0;
  // Whether the account has entries whose expire_at is at or before `now` and that are still
  // PENDING, ACTIVE or INACTIVE (due for expiry, SPEC §7).
  virtual Result<bool> HasDueExpiries(std::string_view account_id, TimeMs now) = 0;
  // Up to `max` accounts that have entries due for expiry.
  virtual Result<std::vector<std::string>> AccountsWithDueExpiries(TimeMs now, int max) = 0;

  // Review requests with their documents, oldest first.
  virtual Result<std::vector<ReviewRequest>> ListReviewRequests(const ReviewFilter& filter) = 0;
  virtual Result<std::optional<ReviewRequest>> FindReviewRequest(std::string_view request_id) = 0;

  // One document of the account (with `use`), or nullopt.
  virtual Result<std::optional<Document>> FindDocument(std::string_view account_id,
                                                       std::string_view document_id) = 0;
  // The account's documents matching `filter`, by document_id descending, at most filter.limit.
  virtual Result<std::vector<Document>> ListDocuments(std::string_view account_id,
                                                      const DocumentFilter& filter) = 0;
  // Whether some document's bytes are stored under `name` (for cleaning up stray files).
  virtual Result<bool> DocumentNameExists(std::string_view name) = 0;

  virtual Result<bool> IsSpecialNumberAllowed(std::string_view account_id,
                                              std::string_view phone_number) = 0;

  virtual Result<std::optional<MfaTransaction>> FindMfaTransaction(
      std::string_view transaction_id) = 0;
  // Creation times (ascending) of the verification calls after `since`: of one account to one
  // number, of one account, or to one number by anyone — whichever arguments are non-empty.
  virtual Result<std::vector<TimeMs>> ListCallTimes(std::string_view account_id,
                                                    std::string_view phone_number, TimeMs since) = 0;
};

class StoreWriter : public StoreReader {
 public:
  // kConflict when the id exists.
  virtual Status InsertAccount(const Account& account) = 0;
  // Stores name, limit, state and date_updated of an existing account.
  virtual Status UpdateAccount(const Account& account) = 0;
  virtual Status InsertApiKey(const StoredApiKey& key) = 0;
  virtual Status UpdateApiKeyState(std::string_view api_key, ActiveState state) = 0;

  // A new entry with its log (approvals and unlock are stored by their own methods).
  virtual Status InsertSenderId(const SenderId& entry) = 0;
  // Stores status, method, expire_at, duplicate_unlocked and date_updated of an existing entry.
  virtual Status UpdateSenderId(const SenderId& entry) = 0;
  virtual Status AppendLog(std::string_view handle_key, const LogEntry& entry) = 0;
  // Removes the entry with its log; its requests are kept for the record by the caller's choice.
  virtual Status DeleteSenderId(std::string_view handle_key) = 0;

  // Remembers a spent request signature until `keep_until`. Returns false when it was already
  // spent (a replay). The caller guarantees that one signature always comes with one keep_until
  // (both derive from the signed text), so adapters may key on the pair.
  virtual Result<bool> RecordSignature(std::string_view signature, TimeMs keep_until) = 0;
  // Forgets signatures whose keep_until is before `now`; returns how many.
  virtual Result<int> PruneSignatures(TimeMs now) = 0;

  virtual Status AllowSpecialNumber(std::string_view account_id, std::string_view phone_number,
                                    TimeMs now) = 0;

  virtual Status InsertMfaTransaction(const MfaTransaction& t) = 0;
  // Stores attempts_used and state.
  virtual Status UpdateMfaTransaction(const MfaTransaction& t) = 0;
  // Forgets a transaction whose call could not be placed (it then counts against no limit).
  virtual Status DeleteMfaTransaction(std::string_view transaction_id) = 0;
  // Voids the OPEN transactions of an entry, but `except` (may be empty).
  virtual Status VoidOpenMfaTransactions(std::string_view handle_key, std::string_view except) = 0;
  // Forgets transactions created before `before` (they no longer count against any limit).
  virtual Result<int> PruneMfaTransactions(TimeMs before) = 0;

  virtual Status InsertDocument(const Document& document) = 0;
  virtual Status DeleteDocument(std::string_view document_id) = 0;
  // A new request with its documents attached (which makes them used).
  virtual Status InsertReviewRequest(const ReviewRequest& request) = 0;
  // Stores status, reason, decided_by, date_decided and date_updated.
  virtual Status UpdateReviewRequest(const ReviewRequest& request) = 0;
  // Detaches the request's documents: they stay listed on it but count as used no more.
  virtual Status ReleaseDocuments(std::string_view request_id) = 0;
};

class Store {
 public:
  using ReadFn = std::function<Status(StoreReader&)>;
  using WriteFn = std::function<Status(StoreWriter&)>;
  using DoneFn = std::function<void(Status)>;

  virtual ~Store() = default;
  virtual Status Read(const ReadFn& fn) = 0;
  virtual Status Write(const WriteFn& fn) = 0;
  // What a write promises about itself, so that the store can skip work: kSingleStatement — fn
  // changes the store with at most one method call, which is atomic by itself, so a failing fn
  // leaves nothing to roll back.
  enum class WriteShape { kGeneral, kSingleStatement };

  // Write without waiting: returns at once; `done` gets fn's result once it is durable (or failed).
  // `done` may run on a store thread: it must be short and must not call Write (hand work over to
  // another thread instead).
  virtual void WriteAsync(WriteFn fn, DoneFn done, WriteShape shape) = 0;
};

// Runs fn in a read transaction and returns its value.
template <typename T, typename Fn>
Result<T> ReadValue(Store& store, Fn&& fn) {
  std::optional<T> out;
  Status s = store.Read([&](StoreReader& r) -> Status {
    Result<T> v = fn(r);
    if (!v.ok()) return std::move(v).error();
    out = std::move(v).value();
    return OkStatus();
  });
  if (!s.ok()) return std::move(s).error();
  return std::move(*out);
}

// Runs fn in a write transaction and returns its value once durable.
template <typename T, typename Fn>
Result<T> WriteValue(Store& store, Fn&& fn) {
  std::optional<T> out;
  Status s = store.Write([&](StoreWriter& w) -> Status {
    Result<T> v = fn(w);
    if (!v.ok()) return std::move(v).error();
    out = std::move(v).value();
    return OkStatus();
  });
  if (!s.ok()) return std::move(s).error();
  return std::move(*out);
}

}  // namespace senderid
