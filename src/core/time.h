#pragma once
// Time as the core sees it: milliseconds since the Unix epoch, UTC. Formatting helpers for the two
// textual forms SPEC uses (ISO-8601 with milliseconds; the yyyyMMddHHmmss Korea-time stamp in ids).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace senderid {

using TimeMs = int64_t;

constexpr TimeMs kSecond = 1000;
constexpr TimeMs kMinute = 60 * kSecond;
constexpr TimeMs kHour = 60 * kMinute;
constexpr TimeMs kDay = 24 * kHour;
constexpr TimeMs kKoreaOffset = 9 * kHour;

// "2018-11-20T05:25:27.757Z".
std::string FormatIsoMillis(TimeMs t);

// "20181120142527": the Korea-time (UTC+9) stamp that ids carry.
std::string FormatKoreaStamp(TimeMs t);

// t moved by `months` calendar months in UTC, the day clamped to the target month's length
// (Aug 31 + 6 months = Feb 28/29), the time of day kept.
TimeMs AddCalendarMonths(TimeMs t, int months);

// A parsed ISO-8601 date-time with an explicit offset, as Authorization headers carry it.
struct ParsedDate {
  TimeMs utc;        // the instant, honouring the offset
  bool zulu;         // the offset was written as a literal 'Z'
};

// Parses `YYYY-MM-DDTHH:MM:SS[.f{0,9}](Z|±HH:MM|±HHMM)`. Nothing else: no missing offset, no spaces.
std::optional<ParsedDate> ParseIsoDateTime(std::string_view text);

// Parses a query filter date: `YYYY-MM-DD` (start of that UTC day; with `end_of_day`, its last
// millisecond) or a full date-time as above (offset optional, UTC when absent).
std::optional<TimeMs> ParseFilterDate(std::string_view text, bool end_of_day);

}  // namespace senderid
