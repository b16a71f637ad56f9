#pragma once
// The audit log's vocabulary and its one writer (SPEC §13). Every service that changes something
// on an operator's or a shell user's behalf, or shows an operator personal data (a document's
// bytes, a number lookup), takes an Actor and calls RecordAudit inside the write transaction of
// that change — so a committed change always has its audit entry and a refused one never has.
// (Chosen over recording through the lifecycle: several audited changes — keys, account status,
// operators, sessions, claims — are no lifecycle changes, and views change nothing at all.)

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/operators.h"
#include "core/ports/random.h"
#include "core/ports/store.h"
#include "core/time.h"

namespace senderid::audit {

inline constexpr std::string_view kLogin = "session.login";
inline constexpr std::string_view kLoginFailed = "session.login_failed";
inline constexpr std::string_view kLogout = "session.logout";
inline constexpr std::string_view kReviewClaim = "review.claim";
inline constexpr std::string_view kReviewApprove = "review.approve";
inline constexpr std::string_view kReviewReject = "review.reject";
inline constexpr std::string_view kAccountCreate = "account.create";
inline constexpr std::string_view kAccountUpdate = "account.update";
inline constexpr std::string_view kAccountActivate = "account.activate";
inline constexpr std::string_view kAccountDeactivate = "account.deactivate";
inline constexpr std::string_view kKeyCreate = "key.create";
inline constexpr std::string_view kKeyRevoke = "key.revoke";
inline constexpr std::string_view kOperatorCreate = "operator.create";
inline constexpr std::string_view kOperatorDisable = "operator.disable";
inline constexpr std::string_view kOperatorEnable = "operator.enable";
inline constexpr std::string_view kOperatorResetPassword = "operator.reset_password";
inline constexpr std::string_view kOperatorToken = "operator.token";
inline constexpr std::string_view kOperatorRevokeToken = "operator.revoke_token";
inline constexpr std::string_view kNumberAllowSpecial = "number.allow_special";
inline constexpr std::string_view kDocumentView = "document.view";
inline constexpr std::string_view kNumberLookup = "number.lookup";

inline constexpr std::string_view kIdPrefix = "AUD";

// Appends one entry (a fresh AUD… id, dated `now`) in `tx`.
Status Record(WriteTx& tx, Random& random, TimeMs now, const Actor& actor, std::string_view action,
              std::string target, std::optional<std::string> reason = std::nullopt);

}  // namespace senderid::audit
