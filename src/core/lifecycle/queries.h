#pragma once
// Read-side rules shared by the services and the lifecycle: when an entry has lapsed, what "held
// elsewhere" means, and how the AccountDoc is assembled. Pure functions over a transaction.

#include <string>
#include <string_view>
#include <vector>

#include "core/entities.h"
#include "core/error.h"
#include "core/ports/store.h"

namespace senderid {

// Whether the entry's PENDING or verification period has lapsed without being recorded yet (SPEC §7).
bool IsDue(const SenderId& entry, TimeMs now);
// The status a request sees: a lapsed entry reads as EXPIRED even before the sweeper records it.
NumberStatus EffectiveStatus(const SenderId& entry, TimeMs now);

// The account with its entries and limit requests (SPEC §3.1).
Result<AccountDoc> LoadAccountDoc(ReadTx& tx, const std::string& account_id);
// The account's entry for a number as given in a path (separators stripped), or InvalidSenderId.
Result<SenderId> FindEntry(ReadTx& tx, const std::string& account_id, std::string_view phone_number);
// Whether another account holds the number verified right now (SPEC §4.1 "held").
Result<bool> HeldElsewhere(ReadTx& tx, const std::string& account_id, std::string_view phone_number,
                           TimeMs now);
// The account's documents for these ids, in order and without repeats; InvalidDocumentId when one
// is unknown or foreign.
Result<std::vector<std::string>> CheckDocuments(ReadTx& tx, const std::string& account_id,
                                                const std::vector<std::string>& document_ids);
// The account, or kInternalError (callers reach this only for an authenticated account).
Result<Account> LoadAccount(ReadTx& tx, const std::string& account_id);

}  // namespace senderid
