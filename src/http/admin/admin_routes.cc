#include "http/admin/admin_routes.h"

namespace senderid::http::admin {
namespace {

using G = Gate;
using R = AdminRunOn;
namespace h = handlers;

constexpr AdminRoute kRoutes[] = {
    {"GET", "/healthz", G::kPublic, R::kInline, h::Healthz},
    // On a worker: both ask the store (SPEC §11, §14).
    {"GET", "/readyz", G::kPublic, R::kWorker, h::Readyz},
    {"GET", "/metrics", G::kPublic, R::kWorker, h::Metrics},
    {"GET", "/admin/v1/openapi.json", G::kPublic, R::kInline, h::OpenApi},
    // The console: one page and its files, compiled into the binary.
    {"GET", "/admin", G::kPublic, R::kInline, h::ConsoleRedirect},
    {"GET", "/admin/", G::kPublic, R::kInline, h::ConsoleIndex},
    {"GET", "/admin/assets/{name}", G::kPublic, R::kInline, h::ConsoleAsset},
    // Sessions.
    {"POST", "/admin/v1/session", G::kPublic, R::kWorker, h::SignIn},
    {"GET", "/admin/v1/session", G::kReviewer, R::kWorker, h::CurrentSession},
    {"DELETE", "/admin/v1/session", G::kReviewer, R::kWorker, h::SignOut},
    // Reviews, documents, lookups, audit: every operator.
    {"GET", "/admin/v1/reviews", G::kReviewer, R::kWorker, h::ListReviews},
    {"GET", "/admin/v1/reviews/{id}", G::kReviewer, R::kWorker, h::GetReview},
    {"POST", "/admin/v1/reviews/{id}/claim", G::kReviewer, R::kWorker, h::ClaimReview},
    {"POST", "/admin/v1/reviews/{id}/approve", G::kReviewer, R::kWorker, h::ApproveReview},
    {"POST", "/admin/v1/reviews/{id}/reject", G::kReviewer, R::kWorker, h::RejectReview},
    {"GET", "/admin/v1/documents/{documentId}/file", G::kReviewer, R::kWorker, h::DocumentFile},
    {"GET", "/admin/v1/numbers/{phoneNumber}", G::kReviewer, R::kWorker, h::LookupNumber},
    {"GET", "/admin/v1/audit", G::kReviewer, R::kWorker, h::ListAudit},
    // Accounts, keys, operators: admins only.
    {"GET", "/admin/v1/accounts", G::kAdmin, R::kWorker, h::ListAccounts},
    {"POST", "/admin/v1/accounts", G::kAdmin, R::kWorker, h::CreateAccount},
    {"GET", "/admin/v1/accounts/{id}", G::kAdmin, R::kWorker, h::GetAccount},
    {"PUT", "/admin/v1/accounts/{id}", G::kAdmin, R::kWorker, h::UpdateAccount},
    {"POST", "/admin/v1/accounts/{id}/deactivate", G::kAdmin, R::kWorker, h::DeactivateAccount},
    {"POST", "/admin/v1/accounts/{id}/activate", G::kAdmin, R::kWorker, h::ActivateAccount},
    {"POST", "/admin/v1/accounts/{id}/keys", G::kAdmin, R::kWorker, h::CreateKey},
    {"POST", "/admin/v1/keys/{apiKey}/revoke", G::kAdmin, R::kWorker, h::RevokeKey},
    {"GET", "/admin/v1/operators", G::kAdmin, R::kWorker, h::ListOperators},
    {"POST", "/admin/v1/operators", G::kAdmin, R::kWorker, h::CreateOperator},
    {"POST", "/admin/v1/operators/{name}/disable", G::kAdmin, R::kWorker, h::DisableOperator},
};

}  // namespace

std::span<const AdminRoute> AdminRoutes() { return kRoutes; }

}  // namespace senderid::http::admin
