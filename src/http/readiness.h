#pragma once
// GET /readyz of both listeners (SPEC §11): 200 {"status":"ready"} when the store is reachable and
// its schema current, else 503 {"status":"unavailable","reason":"…"} with Retry-After. No
// authentication. The reason is a fixed phrase; what the store said goes to the server log only
// (it may name hosts or paths). Blocks on the store: call it on a worker.

#include <string>

#include "core/ports/store.h"
#include "http/message.h"

namespace senderid::http {

Response ReadinessAnswer(Store& store, const std::string& request_id);

}  // namespace senderid::http
