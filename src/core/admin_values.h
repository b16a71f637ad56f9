#pragma once
// What the operators' services take and give (SPEC §13), besides the records of operators.h and
// entities.h: the review as an operator sees it, number lookups, account views, pages, credentials
// shown once. Plain values.

#include <optional>
#include <string>
#include <vector>

#include "core/entities.h"
#include "core/operators.h"
#include "core/values.h"

namespace senderid {

// Another account's entry for a review's number (SPEC §13 `otherHolders`).
struct NumberHolder {
  std::string account_id;
  NumberStatus status = NumberStatus::kPending;
};

// A review with what an operator needs beside it: the number's current entry (approvals and
// unlocks; unset for limitations or when the number was deleted) and every other account's entry.
struct ReviewDetail {
  ReviewItem item;
  std::optional<SenderId> entry;
  std::vector<NumberHolder> other_holders;
};

template <typename T>
struct Page {
  std::vector<T> data;
  std::optional<std::string> next_key;  // the first item of the next page; unset at the end
};

// Every account's entry for one number (SPEC §13 number lookup).
struct NumberEntry {
  std::string account_name;
  SenderId entry;  // complete, its status as a request sees it (lapsed → EXPIRED)
};
struct NumberLookup {
  std::string phone_number;  // digits
  std::vector<NumberEntry> entries;
};

// An account as an admin sees it: never a secret.
struct AccountView {
  Account account;
  std::vector<StoredApiKey> keys;  // sealed_secret cleared
};

// A new operator (or a reset password): the password is shown once, stored only hashed.
struct OperatorCredentials {
  std::string name;
  OperatorRole role = OperatorRole::kReviewer;
  std::string password;
};

struct IssuedToken {
  std::string name;
  std::string token;
};

// Who a signed-in admin request comes from, once its session or bearer token checked out.
struct OperatorContext {
  enum class Via { kSession, kBearer };
  Operator op;
  Via via = Via::kSession;
  std::string session_hash;  // kSession: what signs it out
  std::string csrf_token;    // kSession: what every unsafe request must carry
};

struct SignedIn {
  Operator op;
  std::string session_token;  // the cookie value, ≥ 32 random bytes as hex
  std::string csrf_token;
};

}  // namespace senderid
