#include "http/api.h"

#include <spdlog/spdlog.h>

#include <charconv>

#include "core/document_content.h"
#include "crypto/base64.h"
#include "http/error_table.h"
#include "json/codec.h"

namespace senderid::http {
namespace {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

Response JsonResponse(std::string body) {
  Response r;
  r.body = std::move(body);
  return r;
}

Error BadQuery(std::string why) { return Error(ErrorCode::kValidationError, std::move(why)); }

Result<int> ParseLimit(const std::string& text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > 1000)
    return BadQuery("limit: an integer from 1 to 1000 expected");
  return value;
}

Result<QueryParams> Query(const RouteMatch& route) {
  QueryParams params;
  if (!ParseQuery(route.query, params)) return BadQuery("malformed query string");
  return params;
}

// The Result of a service call as a response: the encoded value, or the error answer.
template <typename T, typename Encode>
Response Answer(const Result<T>& result, const Request& request, Encode encode) {
  if (!result.ok()) return ErrorResponse(result.error(), request.request_id);
  return JsonResponse(encode(*result));
}

std::string DocText(const AccountDoc& d) { return json::EncodeAccountDoc(d); }

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

Api::Api(ApiOptions options, ApiServices services)
    : options_(std::move(options)), s_(services) {
  while (!options_.public_url.empty() && options_.public_url.back() == '/')
    options_.public_url.pop_back();
}

size_t Api::BodyLimit(std::string_view method, std::string_view target) const {
  const RouteMatch route = Route(method, target);
  if (route.outcome == RouteOutcome::kFound && route.id == RouteId::kUploadDocument)
    return options_.upload_body_limit;
  return options_.body_limit;
}

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
  if (std::optional<Response> inline_answer = HandleInline(request)) return *inline_answer;
  const RouteMatch route = Route(request.method, request.target);
  Result<AuthContext> auth = s_.auth.Authenticate(request.FindHeader("Authorization"), route.scope);
  if (!auth.ok()) return ErrorResponse(auth.error(), request.request_id);
  Response r = Dispatch(request, route, *auth);
  r.log_account = auth->account.account_id;
  return r;
}

bool Api::HandleAsync(const Request& request, const Responder& respond) {
  RouteMatch route = Route(request.method, request.target);
  if (route.outcome != RouteOutcome::kFound) return false;
  if (route.id != RouteId::kActiveNumbers && route.id != RouteId::kGetDocument &&
      route.id != RouteId::kListDocuments)
    return false;
  // `request` outlives the answer: the connection holds it until the produced response is sent.
  s_.auth.AuthenticateAsync(
      request.FindHeader("Authorization"), route.scope,
      [this, &request, respond, route = std::move(route)](Result<AuthContext> auth) mutable {
        respond([this, &request, route = std::move(route), auth = std::move(auth)] {
          if (!auth.ok()) return ErrorResponse(auth.error(), request.request_id);
          Response r = Dispatch(request, route, *auth);
          r.log_account = auth->account.account_id;
          return r;
        });
      });
  return true;
}

Response Api::Dispatch(const Request& request, const RouteMatch& route, const AuthContext& auth) {
  const std::string& account = auth.account.account_id;
  const std::string& id = request.request_id;
  switch (route.id) {
    case RouteId::kListNumbers:
      return NumbersList(request, route, auth);
    case RouteId::kActiveNumbers:
      return Answer(s_.numbers.ActiveNumbers(account), request,
                    [](const std::vector<std::string>& v) { return json::EncodeStringArray(v); });
    case RouteId::kCreateNumber: {
      Result<json::CreateNumberRequest> body = json::DecodeCreateNumber(request.body);
      if (!body.ok()) return ErrorResponse(body.error(), id);
      return Answer(s_.numbers.Create(account, body->phone_number, body->documents), request,
                    DocText);
    }
    case RouteId::kUpdateNumber: {
      Result<json::UpdateStatusRequest> body = json::DecodeUpdateStatus(request.body);
      if (!body.ok()) return ErrorResponse(body.error(), id);
      const std::optional<NumberStatus> status = ParseNumberStatus(body->status);
      if (!status || (*status != NumberStatus::kActive && *status != NumberStatus::kInactive))
        return ErrorResponse(
            Error(ErrorCode::kValidationError, "'status' must be 'ACTIVE' or 'INACTIVE'"), id);
      return Answer(s_.numbers.UpdateStatus(account, route.param, *status), request, DocText);
    }
    case RouteId::kDeleteNumber: {
      Status body = json::DecodeEmptyBody(request.body);
      if (!body.ok()) return ErrorResponse(body.error(), id);
      return Answer(s_.numbers.Delete(account, route.param), request, DocText);
    }
    case RouteId::kAuthenticateNumber: {
      // The body carries nothing for this endpoint (SDKs send none or {}); it is not inspected.
      std::optional<Result<MfaData>> mfa;
      if (const std::string* header = request.FindHeader("x-mfa-data"))
        mfa = json::DecodeMfaData(*header);
      return Answer(s_.verification.Authenticate(account, route.param, mfa), request, DocText);
    }
    case RouteId::kSubmitEvidence: {
      Result<std::vector<std::string>> docs = json::DecodeDocumentIds(request.body);
      if (!docs.ok()) return ErrorResponse(docs.error(), id);
      return Answer(s_.papers.SubmitEvidence(account, route.param, *docs), request, DocText);
    }
    case RouteId::kRequestLimit: {
      Result<json::LimitationRequest> body = json::DecodeLimitation(request.body);
      if (!body.ok()) return ErrorResponse(body.error(), id);
      return Answer(s_.papers.RequestLimit(account, body->documents, body->limit), request, DocText);
    }
    case RouteId::kRequestUnlock: {
      Result<json::DuplicateRequest> body = json::DecodeDuplicate(request.body);
      if (!body.ok()) return ErrorResponse(body.error(), id);
      return Answer(s_.papers.RequestUnlock(auth.account, route.param, body->reason, body->name),
                    request, DocText);
    }
    case RouteId::kUploadDocument:
      return Upload(request, auth);
    case RouteId::kListDocuments:
      return DocumentsList(request, route, auth);
    case RouteId::kGetDocument:
      return Answer(s_.documents.Get(account, route.param), request,
                    [&](const Document& d) { return json::EncodeDocument(d, options_.public_url); });
    case RouteId::kDocumentFile: {
      Result<DocumentFile> file = s_.documents.Download(account, route.param);
      if (!file.ok()) return ErrorResponse(file.error(), id);
      Response r;
      r.content_type = file->document.content_type;
      r.headers.push_back(
          {"Content-Disposition", "inline; filename=\"" + file->document.name + "\""});
      r.headers.push_back({"X-Content-Type-Options", "nosniff"});
      r.body = std::move(file->bytes);
      return r;
    }
    case RouteId::kDeleteDocuments: {
      Result<std::vector<std::string>> ids = json::DecodeDocumentIds(request.body);
      if (!ids.ok()) return ErrorResponse(ids.error(), id);
      return Answer(s_.documents.Delete(account, *ids), request,
                    [&](const std::vector<Document>& d) {
                      return json::EncodeDocuments(d, options_.public_url);
                    });
    }
    case RouteId::kHealthz:
      break;
  }
  return ErrorResponse(Error(ErrorCode::kResourceNotFound, "no such resource"), id);
}

Response Api::Upload(const Request& request, const AuthContext& auth) {
  Result<json::UploadRequest> body = json::DecodeUpload(request.body);
  if (!body.ok()) return ErrorResponse(body.error(), request.request_id);
  Result<std::string> bytes = DecodeFileField(body->file);
  if (!bytes.ok()) return ErrorResponse(bytes.error(), request.request_id);
  UploadInput upload{std::move(bytes).value(), body->category, body->name};
  return Answer(s_.documents.Upload(auth.account.account_id, upload), request,
                [&](const Document& d) { return json::EncodeDocument(d, options_.public_url); });
}

Response Api::NumbersList(const Request& request, const RouteMatch& route,
                          const AuthContext& auth) {
  Result<QueryParams> params = Query(route);
  if (!params.ok()) return ErrorResponse(params.error(), request.request_id);
  NumberPageQuery page;
  bool paged = false;
  for (const auto& [name, value] : *params) {
    if (name == "status") {
      page.status = ParseNumberStatus(value);
      if (!page.status)
        return ErrorResponse(
            BadQuery("status: PENDING, ACTIVE, INACTIVE, DUPLICATED or EXPIRED expected"),
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
  return Answer(s_.numbers.Get(auth.account.account_id, paged ? &page : nullptr), request, DocText);
}

Response Api::DocumentsList(const Request& request, const RouteMatch& route,
                            const AuthContext& auth) {
  Result<QueryParams> params = Query(route);
  if (!params.ok()) return ErrorResponse(params.error(), request.request_id);
  DocumentFilter filter;
  const auto fail = [&](std::string why) {
    return ErrorResponse(BadQuery(std::move(why)), request.request_id);
  };
  for (const auto& [name, value] : *params) {
    if (name == "documentId") {
      filter.document_id = value;
    } else if (name == "startDate" || name == "endDate") {
      const bool end = name == "endDate";
      const std::optional<TimeMs> t = ParseFilterDate(value, end);
      if (!t) return fail(name + ": an ISO date or date-time expected");
      (end ? filter.created_to : filter.created_from) = *t;
    } else if (name == "category") {
      filter.category = NormalizeCategory(value);
      if (!filter.category) return fail("category: unknown category");
    } else if (name == "use") {
      if (value != "true" && value != "false") return fail("use: true or false expected");
      filter.use = value == "true";
    } else if (name == "startKey") {
      filter.start_key = value;
    } else if (name == "limit") {
      Result<int> limit = ParseLimit(value);
      if (!limit.ok()) return ErrorResponse(limit.error(), request.request_id);
      filter.limit = *limit;
    }
  }
  return Answer(s_.documents.List(auth.account.account_id, filter), request,
                [&](const DocumentPage& p) { return json::EncodeDocumentPage(p, options_.public_url); });
}

}  // namespace senderid::http
