#pragma once
// The store port's repositories over one PostgreSQL transaction (a Session), one class per
// aggregate, each implemented in <aggregate>.cc. Statements are string literals, prepared once per
// connection. Inserts of a key that may be taken say ON CONFLICT DO NOTHING and report
// kAlreadyExists from the count of inserted rows: a failed statement would abort the whole
// transaction, and the port promises that a taken key leaves it usable.
//
// Not thread-safe: created for one run of a transaction function, on its thread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/store.h"
#include "store/postgres/session.h"

namespace senderid::pg {

class PgAccounts final : public AccountsRepository {
 public:
  explicit PgAccounts(Session& s) : s_(s) {}
  Result<std::optional<Account>> Find(std::string_view account_id) override;
  Result<std::optional<StoredApiKey>> FindKey(std::string_view api_key) override;
  Result<std::vector<StoredApiKey>> ListKeys(std::string_view account_id) override;
  Result<std::vector<Account>> List(std::string_view start_key, int limit) override;
  Status Insert(const Account& account) override;
  Status Update(const Account& account) override;
  Status InsertKey(const StoredApiKey& key) override;
  Status SetKeyState(std::string_view api_key, ActiveState state) override;

 private:
  Session& s_;
};

class PgReviews final : public ReviewsRepository {
 public:
  explicit PgReviews(Session& s) : s_(s) {}
  Result<std::vector<ReviewRequest>> List(const ReviewFilter& filter) override;
  Result<std::optional<ReviewRequest>> Find(std::string_view request_id) override;
  Result<std::vector<PendingReviews>> PendingByKind() override;
  Status Insert(const ReviewRequest& request) override;
  Status Update(const ReviewRequest& request) override;
  Status SetClaim(std::string_view request_id, std::string_view claimed_by,
                  TimeMs claimed_until) override;
  Status ReleaseDocuments(std::string_view request_id) override;

 private:
  // Fills each request's document ids, in order (one statement for all of them).
  Status LoadDocuments(std::vector<ReviewRequest>& requests);
  Session& s_;
};

class PgNumbers final : public NumbersRepository {
 public:
  PgNumbers(Session& s, PgReviews& reviews) : s_(s), reviews_(reviews) {}
  Result<std::vector<SenderId>> List(std::string_view account_id) override;
  Result<std::optional<SenderId>> Find(std::string_view account_id,
                                       std::string_view phone_number) override;
  Result<std::vector<SenderId>> ListByNumber(std::string_view phone_number) override;
  Result<int> Count(std::string_view account_id) override;
  Result<std::vector<std::string>> ListActive(std::string_view account_id, TimeMs now) override;
  Result<bool> HasDueExpiries(std::string_view account_id, TimeMs now) override;
  Result<std::vector<std::string>> AccountsWithDueExpiries(TimeMs now, int max) override;
  Result<std::vector<std::string>> AccountsWithExpiryNotices(TimeMs now, TimeMs horizon,
                                                             int max) override;
  Result<bool> IsSpecialAllowed(std::string_view account_id,
                                std::string_view phone_number) override;
  Status Insert(const SenderId& entry) override;
  Status Update(const SenderId& entry) override;
  Status AppendLog(std::string_view handle_key, const LogEntry& line) override;
  Status Delete(std::string_view handle_key) override;
  Status AllowSpecial(std::string_view account_id, std::string_view phone_number,
                      TimeMs now) override;

 private:
  // Fills logs, approvals and the latest unlock of entries of one account.
  Status LoadDetails(std::vector<SenderId>& entries);
  Session& s_;
  PgReviews& reviews_;
};

class PgVerifications final : public VerificationsRepository {
 public:
  explicit PgVerifications(Session& s) : s_(s) {}
  Result<std::optional<MfaTransaction>> Find(std::string_view transaction_id) override;
  Result<std::vector<TimeMs>> CallTimes(std::string_view account_id, std::string_view phone_number,
                                        TimeMs since) override;
  Status Insert(const MfaTransaction& t) override;
  Status Update(const MfaTransaction& t) override;
  Status Delete(std::string_view transaction_id) override;
  Status VoidOpen(std::string_view handle_key, std::string_view except) override;
  Result<int> Prune(TimeMs before) override;

 private:
  Session& s_;
};

class PgDocuments final : public DocumentsRepository {
 public:
  explicit PgDocuments(Session& s) : s_(s) {}
  Result<std::optional<Document>> Find(std::string_view account_id,
                                       std::string_view document_id) override;
  Result<std::optional<Document>> FindAny(std::string_view document_id) override;
  Result<std::vector<Document>> List(std::string_view account_id,
                                     const DocumentFilter& filter) override;
  Result<int> Count(std::string_view account_id) override;
  Result<bool> NameExists(std::string_view name) override;
  Status Insert(const Document& document) override;
  Status Delete(std::string_view document_id) override;

 private:
  Session& s_;
};

class PgEvents final : public EventsRepository {
 public:
  explicit PgEvents(Session& s) : s_(s) {}
  Result<std::vector<EventRecord>> List(std::string_view account_id, int64_t after,
                                        const std::vector<EventType>& types, int limit) override;
  Result<std::optional<EventRecord>> Find(std::string_view account_id,
                                          std::string_view event_id) override;
  Result<std::vector<TimeMs>> Times(std::string_view account_id, EventType type,
                                    std::string_view subject, TimeMs since) override;
  Result<int64_t> Append(const EventRecord& event) override;
  Result<int> Prune(TimeMs before) override;

 private:
  Session& s_;
};

class PgOperators final : public OperatorsRepository {
 public:
  explicit PgOperators(Session& s) : s_(s) {}
  Result<std::optional<Operator>> Find(std::string_view name) override;
  Result<std::vector<Operator>> List() override;
  Result<std::optional<OperatorSession>> FindSession(std::string_view token_hash) override;
  Result<std::optional<OperatorToken>> FindToken(std::string_view token_hash) override;
  Result<std::vector<TimeMs>> AttemptTimes(std::string_view name, std::string_view source,
                                           TimeMs since) override;
  Status Insert(const Operator& op) override;
  Status Update(const Operator& op) override;
  Status InsertSession(const OperatorSession& session) override;
  Status TouchSession(std::string_view token_hash, TimeMs last_seen_at) override;
  Status DeleteSession(std::string_view token_hash) override;
  Status DeleteSessions(std::string_view operator_name) override;
  Result<int> PruneSessions(TimeMs idle_before, TimeMs created_before) override;
  Status InsertToken(const OperatorToken& token) override;
  Result<int> DeleteTokens(std::string_view operator_name) override;
  Status InsertAttempt(const LoginAttempt& attempt) override;
  Status DeleteAttempt(std::string_view attempt_id) override;
  Status ClearAttempts(std::string_view name) override;
  Result<int> PruneAttempts(TimeMs before) override;

 private:
  Session& s_;
};

class PgWebhooks final : public WebhooksRepository {
 public:
  explicit PgWebhooks(Session& s) : s_(s) {}
  Result<std::optional<Webhook>> Find(std::string_view account_id,
                                      std::string_view webhook_id) override;
  Result<std::vector<Webhook>> List(std::string_view account_id) override;
  Status Insert(const Webhook& webhook) override;
  Status Update(const Webhook& webhook) override;
  Status Delete(std::string_view webhook_id) override;

 private:
  Session& s_;
};

class PgAudit final : public AuditRepository {
 public:
  explicit PgAudit(Session& s) : s_(s) {}
  Result<std::vector<AuditEntry>> List(const AuditFilter& filter) override;
  Status Append(const AuditEntry& entry) override;

 private:
  Session& s_;
};

// Claim is the cross-instance part (see deliveries_repository.h and deliveries.cc): due rows are
// locked FOR UPDATE SKIP LOCKED, so that instances claiming at once take disjoint rows, and a
// lapsed lease is due again.
class PgDeliveries final : public DeliveriesRepository {
 public:
  explicit PgDeliveries(Session& s) : s_(s) {}
  Result<std::optional<Delivery>> Find(std::string_view delivery_id) override;
  Result<std::optional<Delivery>> FindByEvent(std::string_view webhook_id,
                                              std::string_view event_id) override;
  Result<std::vector<Delivery>> List(std::string_view webhook_id,
                                     const DeliveryFilter& f) override;
  Result<std::optional<TimeMs>> NextDue() override;
  Result<std::optional<TimeMs>> OldestPending() override;
  Status Insert(const Delivery& delivery) override;
  Status Update(const Delivery& delivery) override;
  Result<std::vector<Delivery>> Claim(TimeMs now, TimeMs lease_until, std::string_view lease_token,
                                      int max, int max_per_webhook) override;
  Result<int> ReleaseLeases() override;
  Result<int> Prune(TimeMs before) override;

 private:
  Session& s_;
};

// One transaction: a repository per aggregate over the same session.
class PgTx final : public WriteTx {
 public:
  explicit PgTx(Session& s)
      : accounts_(s),
        reviews_(s),
        numbers_(s, reviews_),
        verifications_(s),
        documents_(s),
        events_(s),
        operators_(s),
        audit_(s),
        webhooks_(s),
        deliveries_(s) {}
  PgTx(const PgTx&) = delete;
  PgTx& operator=(const PgTx&) = delete;

  AccountsRepository& accounts() override { return accounts_; }
  NumbersRepository& numbers() override { return numbers_; }
  VerificationsRepository& verifications() override { return verifications_; }
  DocumentsRepository& documents() override { return documents_; }
  ReviewsRepository& reviews() override { return reviews_; }
  EventsRepository& events() override { return events_; }
  OperatorsRepository& operators() override { return operators_; }
  AuditRepository& audit() override { return audit_; }
  WebhooksRepository& webhooks() override { return webhooks_; }
  DeliveriesRepository& deliveries() override { return deliveries_; }

 private:
  PgAccounts accounts_;
  PgReviews reviews_;  // before numbers_, which reads through it
  PgNumbers numbers_;
  PgVerifications verifications_;
  PgDocuments documents_;
  PgEvents events_;
  PgOperators operators_;
  PgAudit audit_;
  PgWebhooks webhooks_;
  PgDeliveries deliveries_;
};

// A text[] literal ({"a","b"}), each element quoted and escaped.
std::string TextArray(const std::vector<std::string>& items);

}  // namespace senderid::pg
