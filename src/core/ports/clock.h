#pragma once
// Where the core learns the time. Thread-safe. Tests substitute a settable clock.

#include "core/time.h"

namespace senderid {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeMs Now() const = 0;
};

}  // namespace senderid
