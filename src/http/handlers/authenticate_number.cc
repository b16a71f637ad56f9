// PUT /senderid/v1/numbers/{phoneNumber}/authenticate (SPEC §5): ARS, both steps.
#include "core/catalogue.h"
#include "http/handlers/call.h"
#include "json/customer_codec.h"

namespace senderid::http::handlers {

Response AuthenticateNumber(const Call& call) {
  // The body carries nothing for this endpoint (SDKs send none or {}); it is not inspected.
  std::optional<Result<MfaData>> mfa;
  if (call.request.CountHeader("x-mfa-data") > 1)
    mfa = Result<MfaData>(Error(ErrorCode::kInvalidMFAData, std::string(text::invalid::kMfaRepeated)));
  else if (const std::string* header = call.request.FindHeader("x-mfa-data"))
    mfa = json::DecodeMfaData(*header);
  Result<VerificationOutcome> outcome =
      call.services.verification.Authenticate(call.account_id(), call.route.param, mfa);
  if (!outcome.ok()) return ErrorAnswer(outcome.error(), call.request_id());
  if (const auto* challenge = std::get_if<MfaChallenge>(&*outcome)) return ChallengeAnswer(*challenge);
  return JsonAnswer(json::EncodeAccountDoc(std::get<AccountDoc>(*outcome)));
}

}  // namespace senderid::http::handlers
