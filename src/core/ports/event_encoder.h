#pragma once
// Turns a domain event's data into the JSON that the event log keeps and webhooks deliver (SPEC §12).
// Implemented by json/ so that the core stays free of JSON. Thread-safe, no failure.

#include <string>

#include "core/events.h"

namespace senderid {

class EventEncoder {
 public:
  virtual ~EventEncoder() = default;
  virtual std::string EncodeData(const DomainEvent& event) const = 0;
};

}  // namespace senderid
