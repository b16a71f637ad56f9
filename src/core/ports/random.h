#pragma once
// The core's only source of randomness. Implementations must be a CSPRNG (codes, ids and keys are
// security tokens) and thread-safe.

#include <cstddef>
#include <cstdint>

namespace senderid {

class Random {
 public:
  virtual ~Random() = default;
  // Fills out[0, n) with unpredictable bytes. Never fails: a broken CSPRNG aborts the process.
  virtual void Fill(uint8_t* out, size_t n) = 0;
};

}  // namespace senderid
