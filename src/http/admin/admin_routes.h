#pragma once
// The admin listener's route table (SPEC §13): the JSON API under /admin/v1, the console under
// /admin/, liveness, readiness and metrics. Immutable; thread-safe.

#include <span>

#include "http/admin/admin_call.h"

namespace senderid::http::admin {

std::span<const AdminRoute> AdminRoutes();

}  // namespace senderid::http::admin
