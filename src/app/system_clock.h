#pragma once
// The real clock (the Clock port over std::chrono::system_clock).

#include <chrono>

#include "core/ports/clock.h"

namespace senderid {

class SystemClock final : public Clock {
 public:
  TimeMs Now() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace senderid
