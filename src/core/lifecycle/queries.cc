#include "core/lifecycle/queries.h"

#include <algorithm>
#include <optional>

#include "core/catalogue.h"
#include "core/phone_number.h"

namespace senderid {

bool IsDue(const SenderId& e, TimeMs now) {
  return e.expire_at && *e.expire_at <= now &&
         (e.status == NumberStatus::kPending || IsVerified(e.status));
}

NumberStatus EffectiveStatus(const SenderId& e, TimeMs now) {
  return IsDue(e, now) ? NumberStatus::kExpired : e.status;
}

Result<Account> LoadAccount(ReadTx& tx, const std::string& account_id) {
  SID_ASSIGN_OR_RETURN(std::optional<Account> account, tx.accounts().Find(account_id));
  if (!account) return Error(ErrorCode::kInternalError, "account vanished: " + account_id);
  return std::move(*account);
}

Result<AccountDoc> LoadAccountDoc(ReadTx& tx, const std::string& account_id) {
  AccountDoc doc;
  SID_ASSIGN_OR_RETURN(doc.account, LoadAccount(tx, account_id));
  SID_ASSIGN_OR_RETURN(doc.sender_ids, tx.numbers().List(account_id));
  ReviewFilter limitations;
  limitations.kind = ReviewKind::kLimitation;
  limitations.account_id = account_id;
  SID_ASSIGN_OR_RETURN(doc.limitations, tx.reviews().List(limitations));
  return doc;
}

Result<SenderId> FindEntry(ReadTx& tx, const std::string& account_id,
                           std::string_view phone_number) {
  if (const std::optional<std::string> digits = NormalizePhoneNumber(phone_number)) {
    SID_ASSIGN_OR_RETURN(std::optional<SenderId> entry, tx.numbers().Find(account_id, *digits));
    if (entry) return std::move(*entry);
  }
  return Error(ErrorCode::kInvalidSenderId, std::string(text::message::kInvalidSenderId));
}

Result<bool> HeldElsewhere(ReadTx& tx, const std::string& account_id,
                           std::string_view phone_number, TimeMs now) {
  SID_ASSIGN_OR_RETURN(std::vector<SenderId> entries, tx.numbers().ListByNumber(phone_number));
  return std::any_of(entries.begin(), entries.end(), [&](const SenderId& e) {
    return e.account_id != account_id && IsVerified(e.status) && !IsDue(e, now);
  });
}

Result<std::vector<std::string>> CheckDocuments(ReadTx& tx, const std::string& account_id,
                                                const std::vector<std::string>& document_ids) {
  std::vector<std::string> out;
  for (const std::string& id : document_ids) {
    if (std::find(out.begin(), out.end(), id) != out.end()) continue;
    SID_ASSIGN_OR_RETURN(std::optional<Document> d, tx.documents().Find(account_id, id));
    if (!d) return Error(ErrorCode::kInvalidDocumentId, std::string(text::message::kInvalidDocumentId));
    out.push_back(id);
  }
  return out;
}

}  // namespace senderid
