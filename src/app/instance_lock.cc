#include "app/instance_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace senderid {

Result<InstanceLock> InstanceLock::Acquire(const std::vector<std::string>& lock_files) {
  InstanceLock lock;
  for (const std::string& file : lock_files) {
    // Read-only: flock needs no write access, and a file open for writing would keep the data
    // directory's file system from being remounted read-only.
    const int fd = ::open(file.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
      return Error(ErrorCode::kServiceUnavailable,
                   "cannot open lock file " + file + ": " + std::strerror(errno));
    lock.fds_.push_back(fd);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (errno == EWOULDBLOCK)
        return Error(ErrorCode::kServiceUnavailable,
                     "another senderid serve holds " + file +
                         ": one serve per SQLite store (stop the other one first)");
      return Error(ErrorCode::kServiceUnavailable,
                   "cannot lock " + file + ": " + std::strerror(errno));
    }
  }
  return lock;
}

InstanceLock::~InstanceLock() {
  for (const int fd : fds_) ::close(fd);  // closing drops the flock
}

}  // namespace senderid
