#pragma once
// The `data` of events (SPEC §12) as the event log keeps it and webhooks deliver it: the customer
// API's shapes of json/shapes.h. Implements the core's EventEncoder port. Thread-safe.

#include <string>

#include "core/ports/event_encoder.h"

namespace senderid::json {

class JsonEventEncoder final : public EventEncoder {
 public:
  // `url_prefix`: the public base URL documents' `url` carries (no trailing slash) or "".
  explicit JsonEventEncoder(std::string url_prefix) : url_prefix_(std::move(url_prefix)) {}
  std::string EncodeData(const DomainEvent& event) const override;

 private:
  std::string url_prefix_;
};

}  // namespace senderid::json
