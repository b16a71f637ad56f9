#include "http/routes.h"

#include "http/handlers/call.h"

namespace senderid::http {
namespace {

using A = Access;
using B = BodySize;
using R = RunOn;
namespace h = handlers;

// Order matters only where a literal and a parameter meet (numbers/active vs numbers/{…}): the
// router refuses a parameter that another route has as a literal, whatever the order.
constexpr Route kRoutes[] = {
    {"GET", "/healthz", A::kPublic, B::kSmall, R::kInline, h::Healthz},
    {"GET", "/senderid/v1/openapi.json", A::kPublic, B::kSmall, R::kInline, h::CustomerOpenApi},
    // On a worker: it asks the store, which may wait on the network.
    {"GET", "/readyz", A::kPublic, B::kSmall, R::kWorker, h::Readyz},
    {"POST", "/senderid/v1/numbers", A::kWrite, B::kSmall, R::kWorker, h::CreateNumber},
    {"GET", "/senderid/v1/numbers", A::kRead, B::kSmall, R::kWorker, h::ListNumbers},
    {"GET", "/senderid/v1/numbers/active", A::kRead, B::kSmall, R::kWorker, h::ActiveNumbers},
    {"PUT", "/senderid/v1/numbers/{phoneNumber}", A::kWrite, B::kSmall, R::kWorker, h::UpdateNumber},
    {"DELETE", "/senderid/v1/numbers/{phoneNumber}", A::kWrite, B::kSmall, R::kWorker,
     h::DeleteNumber},
    {"PUT", "/senderid/v1/numbers/{phoneNumber}/authenticate", A::kWrite, B::kSmall, R::kWorker,
     h::AuthenticateNumber},
    {"POST", "/senderid/v1/papers/approval/{phoneNumber}", A::kWrite, B::kSmall, R::kWorker,
     h::SubmitEvidence},
    {"POST", "/senderid/v1/papers/limitation", A::kWrite, B::kSmall, R::kWorker, h::RequestLimit},
    {"POST", "/senderid/v1/papers/duplicate/{phoneNumber}", A::kWrite, B::kSmall, R::kWorker,
     h::RequestUnlock},
    {"POST", "/senderid/v1/documents", A::kWrite, B::kUpload, R::kWorker, h::UploadDocument},
    {"GET", "/senderid/v1/documents", A::kRead, B::kSmall, R::kWorker, h::ListDocuments},
    {"DELETE", "/senderid/v1/documents", A::kWrite, B::kSmall, R::kWorker, h::DeleteDocuments},
    {"GET", "/senderid/v1/documents/{documentId}", A::kRead, B::kSmall, R::kWorker, h::GetDocument},
    {"GET", "/senderid/v1/documents/{documentId}/file", A::kRead, B::kSmall, R::kWorker,
     h::DocumentFile},
    // SPEC §12: events and webhooks.
    {"GET", "/senderid/v1/events", A::kRead, B::kSmall, R::kWorker, h::ListEvents},
    {"POST", "/senderid/v1/webhooks", A::kWrite, B::kSmall, R::kWorker, h::CreateWebhook},
    {"GET", "/senderid/v1/webhooks", A::kRead, B::kSmall, R::kWorker, h::ListWebhooks},
    {"GET", "/senderid/v1/webhooks/{webhookId}", A::kRead, B::kSmall, R::kWorker, h::GetWebhook},
    {"PUT", "/senderid/v1/webhooks/{webhookId}", A::kWrite, B::kSmall, R::kWorker,
     h::UpdateWebhook},
    {"DELETE", "/senderid/v1/webhooks/{webhookId}", A::kWrite, B::kSmall, R::kWorker,
     h::DeleteWebhook},
    {"POST", "/senderid/v1/webhooks/{webhookId}/rotate-secret", A::kWrite, B::kSmall, R::kWorker,
     h::RotateWebhookSecret},
    {"GET", "/senderid/v1/webhooks/{webhookId}/deliveries", A::kRead, B::kSmall, R::kWorker,
     h::ListDeliveries},
    {"POST", "/senderid/v1/webhooks/{webhookId}/redeliver", A::kWrite, B::kSmall, R::kWorker,
     h::Redeliver},
};

}  // namespace

std::span<const Route> CustomerRoutes() { return kRoutes; }

}  // namespace senderid::http
