#pragma once
// The development voice provider (SPEC §5.1): every call becomes one JSON line appended to a file
// (`<data dir>/voice-outbox.jsonl`) with the plain code — deliberately: it is the loopback telephony
// that local use and tests read the code from. Never use it in production. Thread-safe.

#include <mutex>
#include <string>

#include "core/ports/voice_caller.h"

namespace senderid {

class OutboxVoiceCaller final : public VoiceCaller {
 public:
  explicit OutboxVoiceCaller(std::string path) : path_(std::move(path)) {}
  // Appends and fsyncs the line; kRefused when the file cannot be written.
  CallOutcome Place(const VoiceCall& call) override;

 private:
  std::string path_;
  std::mutex mu_;
};

}  // namespace senderid
