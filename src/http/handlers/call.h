#pragma once
// What every customer-API handler gets (one handler function per endpoint, in a file named after
// it; the route table in http/routes.cc says which). Handlers run on a worker thread, may block on
// the store, and return the answer: decode → call one service → encode. Errors go through
// http/error_answer.h.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/ports/store.h"
#include "core/services/authenticator.h"
#include "core/services/documents_service.h"
#include "core/services/events_service.h"
#include "core/services/numbers_service.h"
#include "core/services/papers_service.h"
#include "core/services/verification_service.h"
#include "core/services/webhooks_service.h"
#include "core/values.h"
#include "http/error_answer.h"
#include "http/message.h"
#include "http/router.h"

namespace senderid::http {

struct ApiOptions {
  size_t body_limit = 64 * 1024;
  size_t upload_body_limit = 1152 * 1024;  // a 700 KB file is ~934 KiB as base64
  std::string public_url;                  // prefix of document urls, no trailing slash
};

struct ApiServices {
  Authenticator& auth;
  NumbersService& numbers;
  VerificationService& verification;
  DocumentsService& documents;
  PapersService& papers;
  EventsService& events;
  WebhooksService& webhooks;
  Store& store;  // for /readyz only (Store::Ping): every other route goes through a service
};

struct Call {
  const Request& request;
  const RouteMatch& route;
  const AuthContext& auth;  // empty for public routes
  ApiServices& services;
  const ApiOptions& options;

  const std::string& account_id() const { return auth.account.account_id; }
  const std::string& request_id() const { return request.request_id; }
};

// A 200 with a JSON body.
Response JsonAnswer(std::string body);

// The Result of a service call as an answer: the encoded value, or the error answer.
template <typename T, typename Encode>
Response Answer(const Call& call, const Result<T>& result, Encode encode) {
  if (!result.ok()) return ErrorAnswer(result.error(), call.request_id());
  return JsonAnswer(encode(*result));
}

// The AccountDoc answer of every write on numbers and papers.
Response DocAnswer(const Call& call, const Result<AccountDoc>& doc);

using QueryParams = std::vector<std::pair<std::string, std::string>>;
// The query's parameters, or ValidationError for a malformed escape.
Result<QueryParams> Query(const Call& call);
// `limit` of a listing: 1–1000.
Result<int> ParseLimit(std::string_view text);

// One function per endpoint (SPEC §4): the file handlers/<name>.cc holds <Name>.
namespace handlers {
Response Healthz(const Call& call);
Response CustomerOpenApi(const Call& call);  // openapi_document.cc
Response Readyz(const Call& call);
Response CreateNumber(const Call& call);
Response ListNumbers(const Call& call);
Response ActiveNumbers(const Call& call);
Response UpdateNumber(const Call& call);
Response DeleteNumber(const Call& call);
Response AuthenticateNumber(const Call& call);
Response SubmitEvidence(const Call& call);
Response RequestLimit(const Call& call);
Response RequestUnlock(const Call& call);
Response UploadDocument(const Call& call);
Response ListDocuments(const Call& call);
Response GetDocument(const Call& call);
Response DocumentFile(const Call& call);
Response DeleteDocuments(const Call& call);
// SPEC §12.
Response ListEvents(const Call& call);
Response CreateWebhook(const Call& call);
Response ListWebhooks(const Call& call);
Response GetWebhook(const Call& call);
Response UpdateWebhook(const Call& call);
Response DeleteWebhook(const Call& call);
Response RotateWebhookSecret(const Call& call);
Response ListDeliveries(const Call& call);
Response Redeliver(const Call& call);
}  // namespace handlers

}  // namespace senderid::http
