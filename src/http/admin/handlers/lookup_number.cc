// GET /admin/v1/numbers/{phoneNumber} (SPEC §13): every account's entry, audited as number.lookup.
#include "http/admin/admin_call.h"
#include "json/admin_codec.h"

namespace senderid::http::admin::handlers {

Response LookupNumber(const AdminCall& call) {
  return AdminAnswer(call, call.services.views.LookupNumber(call.route.param, call.actor()),
                     json::EncodeNumberLookup);
}

}  // namespace senderid::http::admin::handlers
