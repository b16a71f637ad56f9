// GET /senderid/v1/numbers/active (SPEC §4 endpoint 3): what the sending pipeline may use.
#include "http/handlers/call.h"
#include "json/customer_codec.h"

namespace senderid::http::handlers {

Response ActiveNumbers(const Call& call) {
  return Answer(call, call.services.numbers.ActiveNumbers(call.account_id()),
                [](const std::vector<std::string>& v) { return json::EncodeStringArray(v); });
}

}  // namespace senderid::http::handlers
