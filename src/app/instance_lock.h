#pragma once
// One `serve` per SQLite store (SPEC §11): a second server on the same data directory or database
// file would sweep, expire and group-commit beside the first as if alone. `serve` takes an
// exclusive flock(2) on a lock file before it opens anything else; the kernel drops it when the
// process ends, however it ends, so a crash leaves nothing to clean up. The CLI takes no lock.

#include <string>
#include <vector>

#include "core/error.h"

namespace senderid {

class InstanceLock {
 public:
  // Locks each of `lock_files` (one in the data directory, one beside a database file kept
  // elsewhere), creating them (mode 0600). kServiceUnavailable naming the file when another process
  // holds one.
  static Result<InstanceLock> Acquire(const std::vector<std::string>& lock_files);

  InstanceLock(InstanceLock&& other) noexcept : fds_(std::move(other.fds_)) { other.fds_.clear(); }
  InstanceLock& operator=(InstanceLock&&) = delete;
  ~InstanceLock();

 private:
  InstanceLock() = default;
  std::vector<int> fds_;
};

}  // namespace senderid
