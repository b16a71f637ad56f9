#pragma once
// The customer API's route table (SPEC §4): every endpoint with who may call it, its body limit,
// where it runs and its handler (http/handlers/<name>.cc). Immutable; thread-safe.

#include <span>

#include "http/router.h"

namespace senderid::http {

std::span<const Route> CustomerRoutes();

}  // namespace senderid::http
