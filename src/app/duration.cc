#include "app/duration.h"

#include <charconv>

namespace senderid {

std::optional<TimeMs> ParseDuration(std::string_view text) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data() || value < 0) return std::nullopt;
  const std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
  TimeMs scale;
  if (unit.empty() || unit == "s") scale = kSecond;
  else if (unit == "ms") scale = 1;
  else if (unit == "m") scale = kMinute;
  else if (unit == "h") scale = kHour;
  else if (unit == "d") scale = kDay;
  else return std::nullopt;
  if (value > INT64_MAX / scale) return std::nullopt;
  return value * scale;
}

}  // namespace senderid
