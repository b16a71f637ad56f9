// GET /readyz — readiness (SPEC §11), as http/readiness.h answers it on both listeners.
#include "http/handlers/call.h"
#include "http/readiness.h"

namespace senderid::http::handlers {

Response Readyz(const Call& call) {
  return ReadinessAnswer(call.services.store, call.request_id());
}

}  // namespace senderid::http::handlers
