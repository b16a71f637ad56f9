#pragma once
// The port through which a verification call is placed (SPEC §5.1). Implementations: voice/outbox
// (development: appends to a file) and voice/webhook (production: a telephony gateway).
// Thread-safe; Place may block for up to the provider's timeout.

#include <string>

#include "core/error.h"
#include "core/time.h"

namespace senderid {

struct VoiceCall {
  std::string to;              // digits
  std::string token;           // the code to read out
  std::string transaction_id;
  std::string message;         // the Korean sentence to speak, digits spaced
  TimeMs created_at = 0;
};

class VoiceCaller {
 public:
  virtual ~VoiceCaller() = default;
  // Returns once the provider accepted the call; kVoiceCallFailed when it did not (refused,
  // non-2xx, timeout).
  virtual Status Place(const VoiceCall& call) = 0;
};

}  // namespace senderid
