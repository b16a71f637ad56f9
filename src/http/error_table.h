#pragma once
// The one mapping from core error codes to HTTP status and SPEC §9 wire names.

#include <string_view>

#include "core/error.h"

namespace senderid::http {

struct WireError {
  int status;
  std::string_view name;
};

WireError ToWire(ErrorCode code);

}  // namespace senderid::http
