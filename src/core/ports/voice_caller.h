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

// How a call attempt ended. Only kRefused (the provider said no, or could not be reached) is known
// not to have dialled; a timeout may have, so it costs a call against every cap (SPEC §5.1).
enum class CallOutcome { kPlaced, kRefused, kTimedOut };

class VoiceCaller {
 public:
  virtual ~VoiceCaller() = default;
  // Returns once the provider accepted the call, refused it, or did not answer in time.
  virtual CallOutcome Place(const VoiceCall& call) = 0;
};

}  // namespace senderid
