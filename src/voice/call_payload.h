#pragma once
// The telephony payload (SPEC §5.1): the JSON of one verification call, exactly as the outbox
// writes it and the webhook posts it: {"to","token","transactionId","message","createdAt"}. It holds
// the plain code on purpose — it is what a phone call speaks. Pure function, thread-safe.

#include <string>

#include "core/ports/voice_caller.h"

namespace senderid {

std::string EncodeCallPayload(const VoiceCall& call);

}  // namespace senderid
