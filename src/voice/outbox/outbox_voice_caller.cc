#include "voice/outbox/outbox_voice_caller.h"

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "voice/call_payload.h"

namespace senderid {

CallOutcome OutboxVoiceCaller::Place(const VoiceCall& call) {
  const std::string line = EncodeCallPayload(call) + "\n";
  std::lock_guard lock(mu_);
  const int fd = open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    spdlog::warn("voice outbox {}: cannot open", path_);
    return CallOutcome::kRefused;
  }
  // One write of the whole line: concurrent readers never see half a line.
  const bool ok = write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                  fdatasync(fd) == 0;
  close(fd);
  if (!ok) {
    spdlog::warn("voice outbox {}: cannot append", path_);
    return CallOutcome::kRefused;
  }
  return CallOutcome::kPlaced;
}

}  // namespace senderid
