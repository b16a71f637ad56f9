#include "voice/outbox/outbox_voice_caller.h"

#include <fcntl.h>
#include <unistd.h>

#include "json/codec.h"

namespace senderid {

Status OutboxVoiceCaller::Place(const VoiceCall& call) {
  const std::string line = json::EncodeVoiceCall(call) + "\n";
  std::lock_guard lock(mu_);
  const int fd = open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Error(ErrorCode::kVoiceCallFailed, "음성 전화를 걸 수 없습니다. (outbox)");
  // One write of the whole line: concurrent readers never see half a line.
  const bool ok = write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                  fdatasync(fd) == 0;
  close(fd);
  if (!ok) return Error(ErrorCode::kVoiceCallFailed, "음성 전화를 걸 수 없습니다. (outbox)");
  return OkStatus();
}

}  // namespace senderid
