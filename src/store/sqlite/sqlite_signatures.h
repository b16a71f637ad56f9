#pragma once
// The statements of the spent-signature ledger, on the writer connection (the only one with the
// `replay` database attached; see PrepareReplayDatabase), inside the writer's open transaction.
// SqliteStore runs each as a single-statement job of the group commit. Not thread-safe: the writer
// thread only. Errors as StoreError maps them.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/time.h"
#include "store/sqlite/connection.h"

namespace senderid::sqlite {

class SqliteSignatures {
 public:
  explicit SqliteSignatures(Connection& writer) : conn_(writer) {}

  // true when `digest` was not spent and now is (once the transaction commits); false for a
  // replay. One statement, atomic by itself.
  Result<bool> Spend(std::string_view digest, TimeMs keep_until);
  // Deletes the digests whose keep_until is before `now`; how many. One statement.
  Result<int> Prune(TimeMs now);
  // Every digest kept until `now` or later, with its keep_until. One statement.
  Result<std::vector<std::pair<std::string, TimeMs>>> Unexpired(TimeMs now);

 private:
  Connection& conn_;
};

}  // namespace senderid::sqlite
