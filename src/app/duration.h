#pragma once
// Durations in configuration: "500ms", "2s", "5m", "24h", "12d" (a bare number means seconds).

#include <optional>
#include <string_view>

#include "core/time.h"

namespace senderid {

std::optional<TimeMs> ParseDuration(std::string_view text);

}  // namespace senderid
