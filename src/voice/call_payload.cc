#include "voice/call_payload.h"

#include <nlohmann/json.hpp>

namespace senderid {

std::string EncodeCallPayload(const VoiceCall& call) {
  nlohmann::ordered_json j;
  j["to"] = call.to;
  j["token"] = call.token;
  j["transactionId"] = call.transaction_id;
  j["message"] = call.message;
  j["createdAt"] = FormatIsoMillis(call.created_at);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace senderid
