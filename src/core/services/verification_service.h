#pragma once
// ARS verification (SPEC §5): `PUT /senderid/v1/numbers/{phoneNumber}/authenticate`.
// Step 1 places a voice call that reads a code and answers a challenge carrying the transaction;
// step 2 checks the code and makes the number ACTIVE. Thread-safe.
//
// Security: the code comes from the CSPRNG and only its keyed hash (bound to the transaction) is
// stored; the attempt counter is raised in the same transaction as the comparison, which is
// constant-time; a transaction is bound to account and entry, single-use, short-lived, and replaced
// by a newer step 1. Calls are capped per account and number, per account, and per number; a call
// counts from the moment it is reserved, and stays counted unless the provider refused it.

#include <optional>
#include <string>
#include <string_view>

#include "core/entities.h"
#include "core/error.h"
#include "core/lifecycle/lifecycle.h"
#include "core/ports/clock.h"
#include "core/ports/crypto.h"
#include "core/ports/random.h"
#include "core/ports/store.h"
#include "core/ports/voice_caller.h"
#include "core/values.h"

namespace senderid {

struct VerificationOptions {
  int code_length = 6;  // 4–8 digits (SPEC §5: 6 by default, NIST SP 800-63B)
  TimeMs transaction_lifetime = 5 * kMinute;
  int max_attempts = 5;
  TimeMs call_spacing = 60 * kSecond;      // between calls of one account to one number
  TimeMs call_window = 24 * kHour;         // the rolling "day" of the caps below
  int calls_per_account_number = 5;
  int calls_per_account = 50;
  int calls_per_number = 20;               // by all accounts together (harassment guard)
};

class VerificationService {
 public:
  VerificationService(Store& store, const Crypto& crypto, const Clock& clock, Random& random,
                      VoiceCaller& voice, const Lifecycle& lifecycle, VerificationOptions options);

  // `mfa` is nullopt when the request had no x-mfa-data header, an error when it did not decode.
  // Without a header, and after a placed call (step 1), the outcome is a challenge; step 2 answers
  // the AccountDoc with the number verified.
  Result<VerificationOutcome> Authenticate(const std::string& account_id,
                                           std::string_view phone_number,
                                           const std::optional<Result<MfaData>>& mfa);

  // Forgets transactions too old to count against any cap; returns how many.
  Result<int> PruneOldTransactions();

 private:
  Result<VerificationOutcome> RequestCall(const std::string& account_id, const SenderId& entry);
  Result<VerificationOutcome> CheckCode(const std::string& account_id,
                                        std::string_view phone_number, const MfaData& mfa);
  std::string CodeHash(std::string_view transaction_id, std::string_view code) const;

  Store& store_;
  const Crypto& crypto_;
  const Clock& clock_;
  Random& random_;
  VoiceCaller& voice_;
  const Lifecycle& lifecycle_;
  VerificationOptions options_;
};

}  // namespace senderid
