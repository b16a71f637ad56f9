#pragma once
// Error values of the domain core. Every fallible core operation returns Result<T>; nothing in the
// core throws. The codes are the domain's vocabulary (SPEC §9 where SPEC names one); transport
// errors (unknown route, wrong method, oversized request) belong to http/, which also maps each code
// below to a status and a wire name in exactly one place (http/error_answer.cc).
//
// Retry guidance (after absl::Status): kServiceUnavailable — retrying later may succeed (the store
// is unreachable, full or busy); kTooMany* — retry after `retry_after_seconds`; everything else is
// final for the request as sent.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace senderid {

enum class ErrorCode {
  // The request as sent is wrong.
  kValidationError,
  kInvalidPhoneNumber,
  kInvalidSenderId,
  kInvalidDocumentId,
  kInvalidFileType,
  kFileSizeTooLarge,
  kLimitExceeded,
  kInvalidMFAData,
  // Authentication (SPEC §2).
  kInvalidAPIKey,
  kSignatureDoesNotMatch,
  kRequestTimeTooSkewed,
  kDuplicatedSignature,
  kForbidden,
  // Operators (SPEC §13): no or ended session/token; sign-in refused.
  kUnauthorized,
  kInvalidCredentials,
  // ARS step 2 (SPEC §5). The step-1 challenge is a value (MfaChallenge), not an error.
  kInvalidMFAToken,
  kMFATransactionExpired,
  kMFAAttemptsExceeded,
  // The state does not allow it.
  kAlreadyRegistered,
  kAlreadyApproved,
  kAlreadyRequested,
  kAlreadyDecided,
  kDuplicatedSenderId,
  kFailedToUpdate,
  kFailedToDelete,
  kDocumentInUse,
  kReviewClaimed,  // another operator holds the review's claim (SPEC §13)
  // Rate limits (carry retry_after_seconds).
  kTooManyVerificationCalls,
  kTooManyRequests,
  kTooManyLoginAttempts,
  // An operator named an account, key or request that does not exist.
  kNotFound,
  // A store write met a row with the same key (an adapter's unique constraint).
  kAlreadyExists,
  // The outside world failed.
  kVoiceCallFailed,
  kServiceUnavailable,
  kInternalError,
};

// What an MFA answer tells the client (SPEC §5): the step-1 challenge, and the details of a wrong
// code. Only the fields that apply are set.
struct MfaDetails {
  std::vector<std::string> auth_types;  // set when no x-mfa-data was sent
  std::string auth_type;
  std::string transaction_id;
  std::optional<int64_t> expires_at;
  std::optional<int> attempts_left;
  std::optional<int64_t> resend_after;
};

struct Error {
  ErrorCode code;
  std::string message;
  std::optional<int64_t> retry_after_seconds;
  std::optional<MfaDetails> mfa;  // kInvalidMFAToken: attempts left

  Error(ErrorCode c, std::string m) : code(c), message(std::move(m)) {}
  Error& WithRetryAfter(int64_t seconds) & {
    retry_after_seconds = seconds < 1 ? 1 : seconds;
    return *this;
  }
  Error&& WithRetryAfter(int64_t seconds) && { return std::move(WithRetryAfter(seconds)); }
};

// A value or an Error. Deliberately tiny: std::expected is C++23 and not in g++ 12.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;
inline Status OkStatus() { return Ok{}; }

}  // namespace senderid

#define SID_CONCAT_INNER(a, b) a##b
#define SID_CONCAT(a, b) SID_CONCAT_INNER(a, b)

// Returns the error of `expr` (a Result) from the enclosing function. __COUNTER__ keeps nested uses
// (a SID_TRY inside a lambda passed to a SID_TRY) from shadowing each other.
#define SID_TRY(expr) SID_TRY_IMPL(SID_CONCAT(sid_try_, __COUNTER__), expr)
#define SID_TRY_IMPL(tmp, expr)                        \
  do {                                                 \
    auto tmp = (expr);                                 \
    if (!tmp.ok()) return std::move(tmp).error();      \
  } while (false)

// `SID_ASSIGN_OR_RETURN(auto x, Foo());` declares x from Foo()'s value or returns its error.
#define SID_ASSIGN_OR_RETURN(lhs, expr) \
  SID_ASSIGN_OR_RETURN_IMPL(SID_CONCAT(sid_result_, __COUNTER__), lhs, expr)
#define SID_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)    \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).error();      \
  lhs = std::move(tmp).value()
