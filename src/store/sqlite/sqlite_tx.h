#pragma once
// One store transaction over one SQLite connection on which the caller has begun it (SqliteStore:
// a read-only pooled connection for Read, the writer inside a job's savepoint for Write). Owns one
// repository per aggregate; all of them use the connection directly, so they see each other's
// writes. Not thread-safe: created for one run of fn, on its thread, and gone when fn returns.

#include "core/ports/store.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/sqlite_accounts.h"
#include "store/sqlite/sqlite_audit.h"
#include "store/sqlite/sqlite_deliveries.h"
#include "store/sqlite/sqlite_documents.h"
#include "store/sqlite/sqlite_events.h"
#include "store/sqlite/sqlite_numbers.h"
#include "store/sqlite/sqlite_operators.h"
#include "store/sqlite/sqlite_reviews.h"
#include "store/sqlite/sqlite_verifications.h"
#include "store/sqlite/sqlite_webhooks.h"

namespace senderid::sqlite {

class SqliteTx final : public WriteTx {
 public:
  // `accounts_cache`: a read-only connection's (SqliteStore::Read); null on the writer.
  explicit SqliteTx(Connection& conn, AccountsCache* accounts_cache = nullptr)
      : accounts_(conn, accounts_cache),
        reviews_(conn),
        numbers_(conn, reviews_),
        verifications_(conn),
        documents_(conn),
        events_(conn),
        webhooks_(conn),
        deliveries_(conn),
        operators_(conn),
        audit_(conn) {}
  SqliteTx(const SqliteTx&) = delete;
  SqliteTx& operator=(const SqliteTx&) = delete;

  AccountsRepository& accounts() override { return accounts_; }
  NumbersRepository& numbers() override { return numbers_; }
  VerificationsRepository& verifications() override { return verifications_; }
  DocumentsRepository& documents() override { return documents_; }
  ReviewsRepository& reviews() override { return reviews_; }
  EventsRepository& events() override { return events_; }
  WebhooksRepository& webhooks() override { return webhooks_; }
  DeliveriesRepository& deliveries() override { return deliveries_; }
  OperatorsRepository& operators() override { return operators_; }
  AuditRepository& audit() override { return audit_; }

 private:
  SqliteAccounts accounts_;
  SqliteReviews reviews_;  // before numbers_, which reads through it
  SqliteNumbers numbers_;
  SqliteVerifications verifications_;
  SqliteDocuments documents_;
  SqliteEvents events_;
  SqliteWebhooks webhooks_;
  SqliteDeliveries deliveries_;
  SqliteOperators operators_;
  SqliteAudit audit_;
};

}  // namespace senderid::sqlite
