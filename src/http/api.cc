#include "http/api.h"

#include <spdlog/spdlog.h>

#include <charconv>

#include "http/error_table.h"
#include "json/codec.h"

namespace senderid::http {
namespace {

Response JsonResponse(std::string body) {
  Response r;
  r.body = std::move(body);
  return r;
}

Result<int> ParseLimit(const std::string& text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > 1000)
    return Error(ErrorCode::kValidationError, "limit: an integer from 1 to 1000 expected");
  return value;
}

// The Result of a service call as a response: the encoded value, or the error answer.
template <typename T, typename Encode>
Response Answer(const Result<T>& result, const Request& request, Encode encode) {
  if (!result.ok()) return ErrorResponse(result.error(), request.request_id);
  return JsonResponse(encode(*result));
}

}  // namespace

Response ErrorResponse(const Error& error, const std::string& request_id) {
  const WireError wire = ToWire(error.code);
  Response r;
  r.status = wire.status;
  r.log_error = std::string(wire.name);
  if (wire.status >= 500 && error.code != ErrorCode::kVoiceCallFailed) {
    spdlog::error("request {} failed: {}", request_id, error.message);
    const std::string text = error.code == ErrorCode::kServiceUnavailable
                                 ? "the service is temporarily unavailable (request id " +
                                       request_id + ")"
                                 : "internal error (request id " + request_id + ")";
    r.body = json::EncodeError(wire.name, text, std::nullopt);
  } else {
    r.body = json::EncodeError(wire.name, error.message, error.mfa);
  }
  if (error.retry_after_seconds)
    r.headers.push_back({"Retry-After", std::to_string(*error.retry_after_seconds)});
  return r;
}

Api::Api(ApiOptions options, Authenticator& auth, NumbersService& numbers,
         VerificationService& verification)
    : options_(options), auth_(auth), numbers_(numbers), verification_(verification) {}

size_t Api::BodyLimit(std::string_view, std::string_view) const { return options_.body_limit; }

std::optional<Response> Api::HandleInline(const Request& request) {
  const RouteMatch route = Route(request.method, request.target);
  if (route.outcome == RouteOutcome::kFound && route.id == RouteId::kHealthz)
    return JsonResponse(R"({"status":"ok"})");
  if (route.outcome == RouteOutcome::kNotFound)
    return ErrorResponse(Error(ErrorCode::kResourceNotFound, "no such resource"), request.request_id);
  if (route.outcome == RouteOutcome::kMethodNotAllowed)
    return ErrorResponse(Error(ErrorCode::kMethodNotAllowed, "method not allowed on this resource"),
                         request.request_id);
  return std::nullopt;
}

Response Api::Handle(const Request& request) {
  const RouteMatch route = Route(request.method, request.target);
  if (std::optional<Response> inline_answer = HandleInline(request)) return *inline_answer;
  Result<AuthContext> auth =
      auth_.Authenticate(request.FindHeader("Authorization"), route.scope);
  if (!auth.ok()) return ErrorResponse(auth.error(), request.request_id);
  Response r = Dispatch(request, route, *auth);
  r.log_account = auth->account.account_id;
  return r;
}

Response Api::Dispatch(const Request& request, const RouteMatch& route, const AuthContext& auth) {
  const std::string& account = auth.account.account_id;
  const auto doc = [](const AccountDoc& d) { return json::EncodeAccountDoc(d); };
  switch (route.id) {
    case RouteId::kListNumbers:
      return NumbersList(request, route, auth);
    case RouteId::kActiveNumbers:
      return Answer(numbers_.ActiveNumbers(account), request,
                    [](const std::vector<std::string>& v) { return json::EncodeStringArray(v); });
    case RouteId::kCreateNumber: {
      Result<json::CreateNumberRequest> body = json::DecodeCreateNumber(request.body);
      if (!body.ok()) return ErrorResponse(body.error(), request.request_id);
      return Answer(numbers_.Create(account, body->phone_number, body->documents), request, doc);
    }
    case RouteId::kUpdateNumber: {
      Result<json::UpdateStatusRequest> body = json::DecodeUpdateStatus(request.body);
      if (!body.ok()) return ErrorResponse(body.error(), request.request_id);
      const std::optional<NumberStatus> status = ParseNumberStatus(body->status);
      if (!status || (*status != NumberStatus::kActive && *status != NumberStatus::kInactive))
        return ErrorResponse(
            Error(ErrorCode::kValidationError, "'status' must be 'ACTIVE' or 'INACTIVE'"),
            request.request_id);
      return Answer(numbers_.UpdateStatus(account, route.param, *status), request, doc);
    }
    case RouteId::kDeleteNumber: {
      Status body = json::DecodeEmptyBody(request.body);
      if (!body.ok()) return ErrorResponse(body.error(), request.request_id);
      return Answer(numbers_.Delete(account, route.param), request, doc);
    }
    case RouteId::kAuthenticateNumber: {
      // The body carries nothing for this endpoint (SDKs send none or {}); it is not inspected.
      std::optional<Result<MfaData>> mfa;
      if (const std::string* header = request.FindHeader("x-mfa-data"))
        mfa = json::DecodeMfaData(*header);
      return Answer(verification_.Authenticate(account, route.param, mfa), request, doc);
    }
    case RouteId::kHealthz:
      break;
  }
  return ErrorResponse(Error(ErrorCode::kResourceNotFound, "no such resource"), request.request_id);
}

Response Api::NumbersList(const Request& request, const RouteMatch& route,
                              const AuthContext& auth) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!ParseQuery(route.query, params))
    return ErrorResponse(Error(ErrorCode::kValidationError, "malformed query string"), request.request_id);
  NumberPageQuery page;
  bool paged = false;
  for (const auto& [name, value] : params) {
    if (name == "status") {
      page.status = ParseNumberStatus(value);
      if (!page.status)
        return ErrorResponse(Error(ErrorCode::kValidationError,
                                   "status: PENDING, ACTIVE, INACTIVE, DUPLICATED or EXPIRED expected"),
                             request.request_id);
    } else if (name == "phoneNumber") {
      page.phone_number = value;
    } else if (name == "startKey") {
      page.start_key = value;
    } else if (name == "limit") {
      Result<int> limit = ParseLimit(value);
      if (!limit.ok()) return ErrorResponse(limit.error(), request.request_id);
      page.limit = *limit;
    } else {
      continue;  // unknown parameters are ignored, as SOLAPI does
    }
    paged = true;
  }
  Result<AccountDoc> doc = numbers_.Get(auth.account.account_id, paged ? &page : nullptr);
  if (!doc.ok()) return ErrorResponse(doc.error(), request.request_id);
  return JsonResponse(json::EncodeAccountDoc(*doc));
}

}  // namespace senderid::http
