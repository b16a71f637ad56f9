#pragma once
// Shared helpers of the core's unit tests (header-only, no SQLite): a settable clock, a
// deterministic Random, a fixed master key, a fresh temporary directory, fakes of the ports the
// services call out through (an EventEncoder that captures every event, a scripted VoiceCaller),
// and MemoryRegistry — the in-memory store with everything a service needs, and a factory for each
// service. tests/unit/testing.h includes this file and adds the SQLite fixtures.
//
// Nothing here sleeps: time moves only when a test moves the FakeClock.
//
// MemoryRegistryFixture runs a test on a plain MemoryStore; MemoryRegistryTest is parameterised
// over StoreMode, so that SID_ON_EVERY_MEMORY_STORE(Fixture) runs every TEST_P of a fixture derived
// from it on a plain store and on a force-retry one (every Write runs its fn twice and keeps only
// the second run: the port's "fn may run more than once").

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "core/entities.h"
#include "core/error.h"
#include "core/events.h"
#include "core/lifecycle/lifecycle.h"
#include "core/ports/blob_store.h"
#include "core/ports/clock.h"
#include "core/ports/event_encoder.h"
#include "core/ports/random.h"
#include "core/ports/store.h"
#include "core/ports/voice_caller.h"
#include "core/services/accounts_service.h"
#include "core/services/authenticator.h"
#include "core/services/documents_service.h"
#include "core/services/numbers_service.h"
#include "core/services/operator_auth.h"
#include "core/services/operator_views.h"
#include "core/services/operators_service.h"
#include "core/services/papers_service.h"
#include "core/services/reviews_service.h"
#include "core/services/verification_service.h"
#include "core/time.h"
#include "core/values.h"
#include "crypto/default_crypto.h"
#include "store/memory/memory_store.h"

namespace senderid {

// Readable gtest output for the core's enums (gtest finds these by argument-dependent lookup).
inline std::string_view ErrorName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kValidationError: return "ValidationError";
    case ErrorCode::kInvalidPhoneNumber: return "InvalidPhoneNumber";
    case ErrorCode::kInvalidSenderId: return "InvalidSenderId";
    case ErrorCode::kInvalidDocumentId: return "InvalidDocumentId";
    case ErrorCode::kInvalidFileType: return "InvalidFileType";
    case ErrorCode::kFileSizeTooLarge: return "FileSizeTooLarge";
    case ErrorCode::kLimitExceeded: return "LimitExceeded";
    case ErrorCode::kInvalidMFAData: return "InvalidMFAData";
    case ErrorCode::kInvalidAPIKey: return "InvalidAPIKey";
    case ErrorCode::kSignatureDoesNotMatch: return "SignatureDoesNotMatch";
    case ErrorCode::kRequestTimeTooSkewed: return "RequestTimeTooSkewed";
    case ErrorCode::kDuplicatedSignature: return "DuplicatedSignature";
    case ErrorCode::kForbidden: return "Forbidden";
    case ErrorCode::kUnauthorized: return "Unauthorized";
    case ErrorCode::kInvalidCredentials: return "InvalidCredentials";
    case ErrorCode::kInvalidMFAToken: return "InvalidMFAToken";
    case ErrorCode::kMFATransactionExpired: return "MFATransactionExpired";
    case ErrorCode::kMFAAttemptsExceeded: return "MFAAttemptsExceeded";
    case ErrorCode::kAlreadyRegistered: return "AlreadyRegistered";
    case ErrorCode::kAlreadyApproved: return "AlreadyApproved";
    case ErrorCode::kAlreadyRequested: return "AlreadyRequested";
    case ErrorCode::kAlreadyDecided: return "AlreadyDecided";
    case ErrorCode::kDuplicatedSenderId: return "DuplicatedSenderId";
    case ErrorCode::kFailedToUpdate: return "FailedToUpdate";
    case ErrorCode::kFailedToDelete: return "FailedToDelete";
    case ErrorCode::kDocumentInUse: return "DocumentInUse";
    case ErrorCode::kReviewClaimed: return "ReviewClaimed";
    case ErrorCode::kTooManyVerificationCalls: return "TooManyVerificationCalls";
    case ErrorCode::kTooManyRequests: return "TooManyRequests";
    case ErrorCode::kTooManyLoginAttempts: return "TooManyLoginAttempts";
    case ErrorCode::kNotFound: return "NotFound";
    case ErrorCode::kAlreadyExists: return "AlreadyExists";
    case ErrorCode::kVoiceCallFailed: return "VoiceCallFailed";
    case ErrorCode::kServiceUnavailable: return "ServiceUnavailable";
    case ErrorCode::kInternalError: return "InternalError";
  }
  return "?";
}
inline void PrintTo(ErrorCode code, std::ostream* os) { *os << ErrorName(code); }
inline void PrintTo(NumberStatus s, std::ostream* os) { *os << ToString(s); }
inline void PrintTo(RequestStatus s, std::ostream* os) { *os << ToString(s); }
inline void PrintTo(VerificationMethod m, std::ostream* os) {
  *os << (m == VerificationMethod::kNone ? std::string_view("none") : ToString(m));
}
inline void PrintTo(MfaState s, std::ostream* os) { *os << ToString(s); }
inline void PrintTo(EventType t, std::ostream* os) { *os << ToString(t); }
inline void PrintTo(ReviewKind k, std::ostream* os) { *os << ToString(k); }

}  // namespace senderid

namespace senderid::test {

// The instant of a UTC civil date-time, computed with libc's timegm (independent of core/time.cc,
// so tables that use it check the production code against another implementation).
inline TimeMs Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0,
                  int millis = 0) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<TimeMs>(timegm(&tm)) * 1000 + millis;
}

// A Clock that stands still until the test moves it. Thread-safe.
class FakeClock final : public Clock {
 public:
  // 2026-02-03T06:30:45.324Z = 15:30:45.324 in Korea: an arbitrary, ordinary moment.
  static constexpr TimeMs kDefaultStart = 1770100245324;

  explicit FakeClock(TimeMs start = kDefaultStart) : now_(start) {}
  TimeMs Now() const override { return now_.load(); }
  void Set(TimeMs t) { now_.store(t); }
  void Advance(TimeMs delta) { now_.fetch_add(delta); }

 private:
  std::atomic<TimeMs> now_;
};

// A deterministic Random (splitmix64): runs are reproducible. Thread-safe.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed = 0x5eed5eed5eedULL) : state_(seed) {}
  void Fill(uint8_t* out, size_t n) override {
    for (size_t i = 0; i < n; ++i) {
      uint64_t z = state_.fetch_add(0x9e3779b97f4a7c15ULL) + 0x9e3779b97f4a7c15ULL;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      out[i] = static_cast<uint8_t>(z ^ (z >> 31));
    }
  }

 private:
  std::atomic<uint64_t> state_;
};

// Who the tests' operator changes are audited as.
inline const Actor kTestActor{"test.operator", "cli"};

// A fixed 32-byte master key.
inline std::string TestMasterKey() { return "0123456789abcdef0123456789ABCDEF"; }

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string templ = (Base() / "senderid-unit-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << templ;
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // $TMPDIR when set; otherwise /dev/shm when it is there (a tmpfs: fsync costs nothing, which
  // keeps the unit run at about a second instead of several), else the system temp dir.
  static std::filesystem::path Base() {
    const char* tmpdir = std::getenv("TMPDIR");
    if (tmpdir != nullptr && *tmpdir != '\0') return tmpdir;
    std::error_code ec;
    if (std::filesystem::is_directory("/dev/shm", ec) && access("/dev/shm", W_OK | X_OK) == 0)
      return "/dev/shm";
    return std::filesystem::temp_directory_path();
  }

  const std::filesystem::path& path() const { return path_; }
  std::string File(std::string_view name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// An EventEncoder that keeps a copy of every DomainEvent it encodes and answers a short JSON-ish
// text naming its place in that list: {"capture":N,"type":"…","subject":"…"}. On a force-retry
// store it also sees the events of discarded runs, so tests find what was committed through the
// store (tx.events()) and look its DomainEvent up with Captured(record). Thread-safe.
class CapturingEventEncoder final : public EventEncoder {
 public:
  std::string EncodeData(const DomainEvent& event) const override {
    std::lock_guard lock(mu_);
    const size_t index = events_.size();
    events_.push_back(event);
    return "{\"capture\":" + std::to_string(index) + ",\"type\":\"" +
           std::string(ToString(event.type)) + "\",\"subject\":\"" + event.subject + "\"}";
  }

  // Every event encoded so far, committed or not, in encoding order.
  std::vector<DomainEvent> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  // The DomainEvent whose encoding is `data` (an EventRecord's data); a test failure and a default
  // event when `data` is not one of ours.
  DomainEvent Decode(std::string_view data) const {
    constexpr std::string_view kKey = "{\"capture\":";
    size_t index = 0;
    bool ok = data.substr(0, kKey.size()) == kKey;
    size_t i = kKey.size();
    for (; ok && i < data.size() && data[i] >= '0' && data[i] <= '9'; ++i)
      index = index * 10 + static_cast<size_t>(data[i] - '0');
    std::lock_guard lock(mu_);
    if (!ok || i == kKey.size() || index >= events_.size()) {
      ADD_FAILURE() << "not an encoding of CapturingEventEncoder: " << data;
      return DomainEvent{};
    }
    return events_[index];
  }

 private:
  mutable std::mutex mu_;
  mutable std::vector<DomainEvent> events_;  // guarded by mu_
};

// A VoiceCaller that records every call (code included) and answers a scripted outcome: the
// queued ones first (ScriptNext), then the standing one (SetOutcome, kPlaced at first). An optional
// hook runs inside Place, on the caller's thread, to act while a call "rings". Thread-safe.
class FakeVoiceCaller final : public VoiceCaller {
 public:
  CallOutcome Place(const VoiceCall& call) override {
    std::function<void(const VoiceCall&)> hook;
    CallOutcome outcome;
    {
      std::lock_guard lock(mu_);
      calls_.push_back(call);
      if (!script_.empty()) {
        outcome = script_.front();
        script_.pop_front();
      } else {
        outcome = outcome_;
      }
      hook = hook_;
    }
    if (hook) hook(call);
    return outcome;
  }

  void SetOutcome(CallOutcome outcome) {
    std::lock_guard lock(mu_);
    outcome_ = outcome;
  }
  void ScriptNext(CallOutcome outcome) {
    std::lock_guard lock(mu_);
    script_.push_back(outcome);
  }
  void OnPlace(std::function<void(const VoiceCall&)> hook) {
    std::lock_guard lock(mu_);
    hook_ = std::move(hook);
  }

  std::vector<VoiceCall> calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }
  size_t call_count() const {
    std::lock_guard lock(mu_);
    return calls_.size();
  }
  // The latest call; a test failure (and an empty call) when there was none.
  VoiceCall last() const {
    std::lock_guard lock(mu_);
    if (calls_.empty()) {
      ADD_FAILURE() << "no voice call was placed";
      return VoiceCall{};
    }
    return calls_.back();
  }
  // The code read out in the call of `transaction_id`, or nullopt.
  std::optional<std::string> CodeOf(std::string_view transaction_id) const {
    std::lock_guard lock(mu_);
    for (auto it = calls_.rbegin(); it != calls_.rend(); ++it)
      if (it->transaction_id == transaction_id) return it->token;
    return std::nullopt;
  }

 private:
  mutable std::mutex mu_;
  std::vector<VoiceCall> calls_;
  std::deque<CallOutcome> script_;
  CallOutcome outcome_ = CallOutcome::kPlaced;
  std::function<void(const VoiceCall&)> hook_;
};

// A BlobStore in memory; modified_at comes from the clock it is given. Test hooks add stray blobs
// and temporaries of any age, and make Put fail. Thread-safe.
class MemoryBlobStore final : public BlobStore {
 public:
  explicit MemoryBlobStore(const Clock& clock) : clock_(clock) {}

  Status Put(std::string_view name, std::string_view bytes) override {
    std::function<void(std::string_view)> hook;
    {
      std::lock_guard lock(mu_);
      hook = on_put_;
    }
    if (hook) hook(name);
    std::lock_guard lock(mu_);
    if (fail_puts_) return Error(ErrorCode::kServiceUnavailable, "disk full");
    blobs_[std::string(name)] = Blob{std::string(bytes), clock_.Now()};
    return OkStatus();
  }
  Result<std::string> Get(std::string_view name) override {
    std::lock_guard lock(mu_);
    auto it = blobs_.find(std::string(name));
    if (it == blobs_.end()) return Error(ErrorCode::kNotFound, "no blob " + std::string(name));
    return it->second.bytes;
  }
  Status Remove(std::string_view name) override {
    std::lock_guard lock(mu_);
    blobs_.erase(std::string(name));
    return OkStatus();
  }
  Result<std::vector<StoredBlob>> List() override {
    std::lock_guard lock(mu_);
    std::vector<StoredBlob> out;
    for (const auto& [name, blob] : blobs_) out.push_back(StoredBlob{name, blob.modified_at});
    return out;
  }
  Result<int> RemoveTemporaries(TimeMs before) override {
    std::lock_guard lock(mu_);
    int removed = 0;
    for (auto it = temporaries_.begin(); it != temporaries_.end();) {
      if (it->second < before) {
        it = temporaries_.erase(it);
        ++removed;
      } else {
        ++it;
      }
    }
    return removed;
  }

  // A complete blob that no document row names, last written at `modified_at`.
  void AddBlob(const std::string& name, std::string bytes, TimeMs modified_at) {
    std::lock_guard lock(mu_);
    blobs_[name] = Blob{std::move(bytes), modified_at};
  }
  // What an interrupted Put leaves behind.
  void AddTemporary(const std::string& name, TimeMs modified_at) {
    std::lock_guard lock(mu_);
    temporaries_[name] = modified_at;
  }
  // Runs at the start of every Put, on the caller's thread, outside the store's lock (to hold
  // uploads between their checks and their row's commit).
  void OnPut(std::function<void(std::string_view name)> hook) {
    std::lock_guard lock(mu_);
    on_put_ = std::move(hook);
  }
  void FailPuts(bool fail) {
    std::lock_guard lock(mu_);
    fail_puts_ = fail;
  }
  bool Has(const std::string& name) const {
    std::lock_guard lock(mu_);
    return blobs_.count(name) != 0;
  }
  bool HasTemporary(const std::string& name) const {
    std::lock_guard lock(mu_);
    return temporaries_.count(name) != 0;
  }
  size_t size() const {
    std::lock_guard lock(mu_);
    return blobs_.size();
  }

 private:
  struct Blob {
    std::string bytes;
    TimeMs modified_at = 0;
  };
  const Clock& clock_;
  mutable std::mutex mu_;
  std::map<std::string, Blob> blobs_;
  std::map<std::string, TimeMs> temporaries_;
  bool fail_puts_ = false;
  std::function<void(std::string_view)> on_put_;
};

// Small valid files of each type the registry accepts (SPEC §4.10), by their magic bytes.
inline std::string PdfBytes(size_t size = 64) {
  std::string b = "%PDF-1.4\n";
  b.resize(std::max(size, b.size()), 'x');
  return b;
}
inline std::string PngBytes(size_t size = 64) {
  std::string b("\x89PNG\r\n\x1a\n", 8);
  b.resize(std::max(size, b.size()), '\0');
  return b;
}

// The error code of a result, or nullopt when it succeeded: EXPECT_EQ(CodeOf(r), ErrorCode::k…).
template <typename T>
std::optional<ErrorCode> CodeOf(const Result<T>& r) {
  if (r.ok()) return std::nullopt;
  return r.error().code;
}

// x-mfa-data of ARS step 1 (`{"authType":"ARS","extras":{"phoneNumber":…}}`) and step 2, decoded.
inline std::optional<Result<MfaData>> MfaStep1(std::string phone_number) {
  MfaData d;
  d.auth_type = "ARS";
  d.phone_number = std::move(phone_number);
  return Result<MfaData>(std::move(d));
}
inline std::optional<Result<MfaData>> MfaStep2(std::string phone_number,
                                               std::string transaction_id, std::string token) {
  MfaData d;
  d.auth_type = "ARS";
  d.phone_number = std::move(phone_number);
  d.transaction_id = std::move(transaction_id);
  d.token = std::move(token);
  return Result<MfaData>(std::move(d));
}

// The registry on an in-memory store: the store (also the signature ledger), a FakeClock, a
// SeededRandom, the real DefaultCrypto with TestMasterKey, the capturing encoder, the fake voice
// caller and the Lifecycle, with a factory for every service. Services are made on demand (cheap,
// stateless beyond their options), so options a test sets apply to the next one it makes.
class MemoryRegistry {
 public:
  explicit MemoryRegistry(MemoryOptions options = {}) : store_(options) { RebuildLifecycle(); }
  virtual ~MemoryRegistry() = default;
  MemoryRegistry(const MemoryRegistry&) = delete;
  MemoryRegistry& operator=(const MemoryRegistry&) = delete;

  MemoryStore& store() { return store_; }
  SignatureLedger& ledger() { return store_; }
  const Lifecycle& lifecycle() const { return *lifecycle_; }
  const RegistryOptions& registry_options() const { return registry_options_; }
  // Replaces the lifecycle's options (default limit, PENDING and verified lifetimes) for the
  // services made from now on.
  void SetRegistryOptions(RegistryOptions options) {
    registry_options_ = options;
    RebuildLifecycle();
  }

  AccountsService Accounts() {
    return AccountsService(store_, crypto_, clock_, random_, *lifecycle_);
  }
  NumbersService Numbers(NumbersOptions options = {}) {
    return NumbersService(store_, clock_, random_, *lifecycle_, options);
  }
  VerificationService Verification(VerificationOptions options = {}) {
    return VerificationService(store_, crypto_, clock_, random_, voice_, *lifecycle_, options);
  }
  PapersService Papers() { return PapersService(store_, clock_, random_, *lifecycle_); }
  ReviewsService Reviews() { return ReviewsService(store_, clock_, random_, *lifecycle_); }
  OperatorsService Operators() { return OperatorsService(store_, crypto_, clock_, random_); }
  // One authenticator per registry: it holds the verification slots and the dummy hash.
  OperatorAuth& OperatorAuthOf(OperatorAuthOptions options = {}) {
    if (!operator_auth_)
      operator_auth_ = std::make_unique<OperatorAuth>(store_, crypto_, clock_, random_, options);
    return *operator_auth_;
  }
  OperatorViews Views() { return OperatorViews(store_, blobs_, clock_, random_); }
  DocumentsService Documents(BlobStore& blobs, DocumentOptions options = {}) {
    return DocumentsService(store_, blobs, clock_, random_, *lifecycle_, options);
  }
  // On the registry's own blob store (blobs_).
  DocumentsService Documents(DocumentOptions options = {}) { return Documents(blobs_, options); }
  Authenticator Auth(AuthOptions options = {}) {
    return Authenticator(store_, store_, crypto_, clock_, options);
  }

  // Creates an account with one read+write key; fails the test (and returns empty credentials)
  // when that fails.
  Credentials NewAccount(std::optional<int> limit = std::nullopt, std::string_view name = "테스트") {
    Result<Credentials> c = Accounts().CreateAccount(name, limit, kTestActor);
    if (!c.ok()) {
      ADD_FAILURE() << "CreateAccount: " << c.error().message;
      return Credentials{};
    }
    return std::move(c).value();
  }

  // The account as stored; a test failure (and a default account) when there is none.
  Account AccountOf(const std::string& account_id) {
    std::optional<Account> a = Query<std::optional<Account>>(
        [&](ReadTx& tx) { return tx.accounts().Find(account_id); });
    if (!a) {
      ADD_FAILURE() << "no account " << account_id;
      return Account{};
    }
    return *a;
  }

  // The account's entry for `phone_number` (digits) straight from the store: no expiry is applied
  // on the way, unlike NumbersService::Get.
  std::optional<SenderId> EntryOf(const std::string& account_id, const std::string& phone_number) {
    return Query<std::optional<SenderId>>(
        [&](ReadTx& tx) { return tx.numbers().Find(account_id, phone_number); });
  }
  // The same, failing the test when there is none.
  SenderId MustEntry(const std::string& account_id, const std::string& phone_number) {
    std::optional<SenderId> e = EntryOf(account_id, phone_number);
    if (!e) {
      ADD_FAILURE() << "account " << account_id << " has no entry " << phone_number;
      return SenderId{};
    }
    return std::move(*e);
  }
  std::optional<MfaTransaction> TransactionOf(const std::string& transaction_id) {
    return Query<std::optional<MfaTransaction>>(
        [&](ReadTx& tx) { return tx.verifications().Find(transaction_id); });
  }
  std::optional<ReviewRequest> RequestOf(const std::string& request_id) {
    return Query<std::optional<ReviewRequest>>(
        [&](ReadTx& tx) { return tx.reviews().Find(request_id); });
  }

  // The account's committed events, by sequence.
  std::vector<EventRecord> Events(const std::string& account_id) {
    return Query<std::vector<EventRecord>>(
        [&](ReadTx& tx) { return tx.events().List(account_id, 0, {}, 1'000'000); });
  }
  std::vector<EventType> EventTypes(const std::string& account_id) {
    std::vector<EventType> out;
    for (const EventRecord& e : Events(account_id)) out.push_back(e.type);
    return out;
  }
  // The account's committed events of `type`.
  std::vector<EventRecord> EventsOf(const std::string& account_id, EventType type) {
    return Query<std::vector<EventRecord>>(
        [&](ReadTx& tx) { return tx.events().List(account_id, 0, {type}, 1'000'000); });
  }
  // The DomainEvent a committed record was encoded from.
  DomainEvent Captured(const EventRecord& record) const { return encoder_.Decode(record.data); }

  // Changes a stored entry behind the lifecycle's back (what a test needs to reach a state no
  // service offers directly, e.g. "verified" without going through ARS): loads it, lets `change`
  // edit it, stores it with NumbersRepository::Update. No log line, no event.
  void ForceEntry(const std::string& account_id, const std::string& phone_number,
                  const std::function<void(SenderId&)>& change) {
    Status s = store_.Write([&](WriteTx& tx) -> Status {
      SID_ASSIGN_OR_RETURN(std::optional<SenderId> e, tx.numbers().Find(account_id, phone_number));
      if (!e) return Error(ErrorCode::kNotFound, "no entry " + phone_number);
      change(*e);
      return tx.numbers().Update(*e);
    });
    ASSERT_TRUE(s.ok()) << s.error().message;
  }
  // Sets status, method and expire_at directly.
  void ForceStatus(const std::string& account_id, const std::string& phone_number,
                   NumberStatus status, std::optional<TimeMs> expire_at,
                   VerificationMethod method = VerificationMethod::kArs) {
    ForceEntry(account_id, phone_number, [&](SenderId& e) {
      e.status = status;
      e.method = method;
      e.expire_at = expire_at;
      e.date_updated = clock_.Now();
    });
  }

  // Uploads a small PDF; its document id (empty, and a test failure, unless that succeeds).
  std::string MustUpload(const std::string& account_id,
                         std::string_view category = "SENDERID_APPROVAL") {
    UploadInput upload;
    upload.bytes = PdfBytes();
    upload.category = std::string(category);
    upload.name = "evidence.pdf";
    Result<Document> d = Documents().Upload(account_id, upload);
    if (!d.ok()) {
      ADD_FAILURE() << "Upload: " << d.error().message;
      return std::string();
    }
    return d->document_id;
  }
  // The document as stored (with `use`); a test failure and a default one when there is none.
  Document MustDocument(const std::string& account_id, const std::string& document_id) {
    std::optional<Document> d = Query<std::optional<Document>>(
        [&](ReadTx& tx) { return tx.documents().Find(account_id, document_id); });
    if (!d) {
      ADD_FAILURE() << "no document " << document_id;
      return Document{};
    }
    return *d;
  }

  // Registers `phone_number`; a test failure (and an empty entry) unless that succeeds.
  SenderId MustCreate(const std::string& account_id, std::string_view phone_number,
                      const std::vector<std::string>& documents = {}) {
    Result<AccountDoc> doc = Numbers().Create(account_id, phone_number, documents);
    if (!doc.ok()) {
      ADD_FAILURE() << "Create(" << phone_number << "): " << doc.error().message;
      return SenderId{};
    }
    std::string digits;
    for (char c : phone_number)
      if (c >= '0' && c <= '9') digits += c;
    for (const SenderId& e : doc->sender_ids)
      if (e.phone_number == digits) return e;
    ADD_FAILURE() << "Create(" << phone_number << ") answered a doc without the number";
    return SenderId{};
  }

  // ARS step 1 for `phone_number`; the challenge, or a test failure and an empty one.
  MfaChallenge MustRequestCall(const std::string& account_id, const std::string& phone_number,
                               VerificationOptions options = {}) {
    Result<VerificationOutcome> r =
        Verification(options).Authenticate(account_id, phone_number, MfaStep1(phone_number));
    if (!r.ok()) {
      ADD_FAILURE() << "step 1 for " << phone_number << ": " << ErrorName(r.error().code) << " "
                    << r.error().message;
      return MfaChallenge{};
    }
    if (!std::holds_alternative<MfaChallenge>(*r)) {
      ADD_FAILURE() << "step 1 for " << phone_number << " answered no challenge";
      return MfaChallenge{};
    }
    return std::get<MfaChallenge>(std::move(r).value());
  }

  // Verifies `phone_number` by ARS as a customer would: step 1, then step 2 with the code the fake
  // voice caller was given. The step-2 answer.
  Result<AccountDoc> VerifyByArs(const std::string& account_id, const std::string& phone_number) {
    const MfaChallenge challenge = MustRequestCall(account_id, phone_number);
    const std::optional<std::string> code = voice_.CodeOf(challenge.details.transaction_id);
    if (!code) return Error(ErrorCode::kInternalError, "no call for the challenge");
    Result<VerificationOutcome> r = Verification().Authenticate(
        account_id, phone_number,
        MfaStep2(phone_number, challenge.details.transaction_id, *code));
    if (!r.ok()) return std::move(r).error();
    if (!std::holds_alternative<AccountDoc>(*r))
      return Error(ErrorCode::kInternalError, "step 2 answered a challenge");
    return std::get<AccountDoc>(std::move(r).value());
  }
  // The same, failing the test unless it succeeds.
  void MustVerifyByArs(const std::string& account_id, const std::string& phone_number) {
    Result<AccountDoc> r = VerifyByArs(account_id, phone_number);
    ASSERT_TRUE(r.ok()) << "ARS for " << phone_number << ": " << ErrorName(r.error().code) << " "
                        << r.error().message;
  }

  // Runs fn in a read transaction; its value, or a test failure and a default value.
  template <typename T, typename Fn>
  T Query(Fn&& fn) {
    Result<T> r = ReadValue<T>(store_, std::forward<Fn>(fn));
    if (!r.ok()) {
      ADD_FAILURE() << "read failed: " << r.error().message;
      return T{};
    }
    return std::move(r).value();
  }

 protected:
  FakeClock clock_;
  SeededRandom random_;
  DefaultCrypto crypto_{TestMasterKey()};
  CapturingEventEncoder encoder_;
  FakeVoiceCaller voice_;
  MemoryBlobStore blobs_{clock_};

 private:
  void RebuildLifecycle() { lifecycle_.emplace(random_, encoder_, registry_options_); }

  MemoryStore store_;
  RegistryOptions registry_options_;
  std::optional<Lifecycle> lifecycle_;
  std::unique_ptr<OperatorAuth> operator_auth_;
};

// A test on a plain MemoryStore.
class MemoryRegistryFixture : public ::testing::Test, public MemoryRegistry {};

// How the store under a parameterised test writes.
enum class StoreMode { kPlain, kForceRetry };

inline std::string StoreModeName(const ::testing::TestParamInfo<StoreMode>& info) {
  return info.param == StoreMode::kPlain ? "Plain" : "ForceRetry";
}
inline void PrintTo(StoreMode mode, std::ostream* os) {
  *os << (mode == StoreMode::kPlain ? "plain store" : "force-retry store");
}

// A test run once per StoreMode (instantiate with SID_ON_EVERY_MEMORY_STORE).
class MemoryRegistryTest : public ::testing::TestWithParam<StoreMode>, public MemoryRegistry {
 protected:
  MemoryRegistryTest()
      : MemoryRegistry(MemoryOptions{.force_retry = GetParam() == StoreMode::kForceRetry}) {}
  bool force_retry() const { return GetParam() == StoreMode::kForceRetry; }
};

}  // namespace senderid::test

// Runs every TEST_P of `fixture` (derived from test::MemoryRegistryTest) on a plain and on a
// force-retry MemoryStore: `Store/Fixture.Name/Plain`, `Store/Fixture.Name/ForceRetry`.
#define SID_ON_EVERY_MEMORY_STORE(fixture)                                            \
  INSTANTIATE_TEST_SUITE_P(Store, fixture,                                            \
                           ::testing::Values(::senderid::test::StoreMode::kPlain,     \
                                             ::senderid::test::StoreMode::kForceRetry), \
                           ::senderid::test::StoreModeName)
