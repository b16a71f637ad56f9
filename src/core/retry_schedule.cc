#include "core/retry_schedule.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>

namespace senderid {
namespace {

// A uniform integer in [0, bound) from the CSPRNG, without modulo bias.
uint64_t Uniform(Random& random, uint64_t bound) {
  if (bound <= 1) return 0;
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  for (;;) {
    uint64_t v = 0;
    random.Fill(reinterpret_cast<uint8_t*>(&v), sizeof v);
    if (v < limit) return v % bound;
  }
}

std::optional<TimeMs> ParseOneDuration(std::string_view text) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data() || value < 0) return std::nullopt;
  const std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
  TimeMs scale = 0;
  if (unit == "ms") scale = 1;
  else if (unit == "s") scale = kSecond;
  else if (unit == "m") scale = kMinute;
  else if (unit == "h") scale = kHour;
  else if (unit == "d") scale = kDay;
  else return std::nullopt;
  if (value > INT64_MAX / scale) return std::nullopt;
  return value * scale;
}

int DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool Number(std::string_view s, int& out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

std::optional<TimeMs> NextRetryDelay(const RetryPolicy& policy, int retries_done,
                                     std::optional<TimeMs> retry_after, Random& random) {
  if (retries_done < 0 || static_cast<size_t>(retries_done) >= policy.schedule.size())
    return std::nullopt;
  const TimeMs base = policy.schedule[static_cast<size_t>(retries_done)];
  const TimeMs spread = base * policy.jitter_percent / 100;
  TimeMs delay = base;
  if (spread > 0)
    delay = base - spread + static_cast<TimeMs>(Uniform(random, static_cast<uint64_t>(2 * spread + 1)));
  if (retry_after) {
    const TimeMs wished = std::min(*retry_after, policy.retry_after_cap);
    if (wished > delay) delay = wished;
  }
  return delay;
}

std::optional<TimeMs> ParseRetryAfter(std::string_view value, TimeMs now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (value.front() >= '0' && value.front() <= '9') {
    int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc::result_out_of_range) return INT64_MAX / 2;  // "very long": capped later
    if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
    if (seconds > INT64_MAX / 2 / kSecond) return INT64_MAX / 2;
    return seconds * kSecond;
  }
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (29 bytes).
  if (value.size() != 29 || value[3] != ',' || value[4] != ' ' || value[7] != ' ' ||
      value[11] != ' ' || value[16] != ' ' || value[19] != ':' || value[22] != ':' ||
      value.substr(25) != " GMT")
    return std::nullopt;
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int month = 0;
  for (size_t i = 0; i < kMonths.size(); ++i)
    if (value.substr(8, 3) == kMonths[i]) month = static_cast<int>(i) + 1;
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (month == 0 || !Number(value.substr(5, 2), day) || !Number(value.substr(12, 4), year) ||
      !Number(value.substr(17, 2), hour) || !Number(value.substr(20, 2), minute) ||
      !Number(value.substr(23, 2), second))
    return std::nullopt;
  if (day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const TimeMs at = (static_cast<TimeMs>(DaysFromCivil(year, month, day)) * 86400 + hour * 3600 +
                     minute * 60 + second) *
                    kSecond;
  return std::max<TimeMs>(0, at - now);
}

std::optional<std::vector<TimeMs>> ParseRetrySchedule(std::string_view text) {
  std::vector<TimeMs> out;
  if (text.empty()) return out;
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    const std::string_view item =
        text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    const std::optional<TimeMs> d = ParseOneDuration(item);
    if (!d) return std::nullopt;
    out.push_back(*d);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (out.size() > 100) return std::nullopt;
  return out;
}

}  // namespace senderid
