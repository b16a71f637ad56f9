#pragma once
// The one place where an error becomes its JSON answer (SPEC §1, §9): the status and wire name of
// every core ErrorCode, the errors of HTTP itself (unknown route, wrong method, oversized or
// malformed request), and the ARS challenge, which SPEC puts on the wire as a 403 MFARequired.
// 5xx answers show a generic text with the request id; the details go to the server log.

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/values.h"
#include "http/message.h"

namespace senderid::http {

// Errors of the transport, not the domain.
enum class HttpError {
  kResourceNotFound,      // 404: unknown route
  kMethodNotAllowed,      // 405: known path, other method
  kPayloadTooLarge,       // 413: body over the route's limit
  kHeaderTooLarge,        // 431: header over the limit
  kMalformed,             // 400 ValidationError: not HTTP we accept
  kUnsupportedMediaType,  // 415: an admin API body without Content-Type: application/json
  kMisdirectedRequest,    // 421: the admin listener reached under a Host it does not answer
  kBodyMemoryExhausted,   // 503: every byte of max_body_memory is taken
  kInternal,              // 500: a handler threw, or answered something unsendable
};

Response ErrorAnswer(const Error& error, const std::string& request_id);
Response ErrorAnswer(HttpError error, std::string_view message, const std::string& request_id);
// 403 MFARequired with `mfa` (SPEC §5).
Response ChallengeAnswer(const MfaChallenge& challenge);

}  // namespace senderid::http
