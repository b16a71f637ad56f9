#pragma once
// The repository methods of the Store port over one SQLite connection inside an open transaction.
// Used by SqliteStore only; one instance per transaction, on one thread.

#include "core/ports/store.h"
#include "store/sqlite/connection.h"

namespace senderid::sqlite {

class SqliteTx final : public StoreWriter {
 public:
  explicit SqliteTx(Connection& conn) : conn_(conn) {}

  Result<std::optional<Account>> FindAccount(std::string_view account_id) override;
  Result<std::optional<StoredApiKey>> FindApiKey(std::string_view api_key) override;
  Result<std::vector<SenderId>> ListSenderIds(std::string_view account_id) override;
  Result<std::optional<SenderId>> FindSenderId(std::string_view account_id,
                                                std::string_view phone_number) override;
  Result<std::vector<SenderId>> ListSenderIdsByNumber(std::string_view phone_number) override;
  Result<int> CountSenderIds(std::string_view account_id) override;
  Result<std::vector<std::string>> ListActiveNumbers(std::string_view account_id,
                                                     TimeMs now) override;
  Result<bool> HasDueExpiries(std::string_view account_id, TimeMs now) override;
  Result<std::vector<std::string>> AccountsWithDueExpiries(TimeMs now, int max) override;
  Result<std::vector<ReviewRequest>> ListReviewRequests(const ReviewFilter& filter) override;
  Result<std::optional<ReviewRequest>> FindReviewRequest(std::string_view request_id) override;
  Result<std::optional<Document>> FindDocument(std::string_view account_id,
                                               std::string_view document_id) override;
  Result<std::vector<Document>> ListDocuments(std::string_view account_id,
                                              const DocumentFilter& filter) override;
  Result<bool> DocumentNameExists(std::string_view name) override;
  Result<bool> IsSpecialNumberAllowed(std::string_view account_id,
                                      std::string_view phone_number) override;
  Result<std::optional<MfaTransaction>> FindMfaTransaction(
      std::string_view transaction_id) override;
  Result<std::vector<TimeMs>> ListCallTimes(std::string_view account_id,
                                            std::string_view phone_number, TimeMs since) override;

  Status InsertAccount(const Account& account) override;
  Status UpdateAccount(const Account& account) override;
  Status InsertApiKey(const StoredApiKey& key) override;
  Status UpdateApiKeyState(std::string_view api_key, ActiveState state) override;
  Status InsertSenderId(const SenderId& entry) override;
  Status UpdateSenderId(const SenderId& entry) override;
  Status AppendLog(std::string_view handle_key, const LogEntry& entry) override;
  Status DeleteSenderId(std::string_view handle_key) override;
  Result<bool> RecordSignature(std::string_view signature, TimeMs keep_until) override;
  Result<int> PruneSignatures(TimeMs now) override;
  Status AllowSpecialNumber(std::string_view account_id, std::string_view phone_number,
                            TimeMs now) override;
  Status InsertMfaTransaction(const MfaTransaction& t) override;
  Status UpdateMfaTransaction(const MfaTransaction& t) override;
  Status DeleteMfaTransaction(std::string_view transaction_id) override;
  Status VoidOpenMfaTransactions(std::string_view handle_key, std::string_view except) override;
  Result<int> PruneMfaTransactions(TimeMs before) override;
  Status InsertDocument(const Document& document) override;
  Status DeleteDocument(std::string_view document_id) override;
  Status InsertReviewRequest(const ReviewRequest& request) override;
  Status UpdateReviewRequest(const ReviewRequest& request) override;
  Status ReleaseDocuments(std::string_view request_id) override;

 private:
  // Fills log, approvals and unlock of entries read by their rows.
  Status LoadDetails(std::vector<SenderId>& entries);
  // Fills `documents` of requests read by their rows.
  Status LoadRequestDocuments(std::vector<ReviewRequest>& requests);

  Connection& conn_;
};

}  // namespace senderid::sqlite
