#include "core/time.h"

#include <algorithm>
#include <cstdio>

namespace senderid {
namespace {

// Howard Hinnant's civil-date algorithms: exact for the proleptic Gregorian calendar, no libc
// time-zone state involved.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t year;
  unsigned month;
  unsigned day;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

struct Broken {
  Civil date;
  int hour, minute, second, millis;
};

Broken Break(TimeMs t) {
  const int64_t days = FloorDiv(t, kDay);
  const int64_t in_day = t - days * kDay;
  return {CivilFromDays(days), static_cast<int>(in_day / kHour),
          static_cast<int>(in_day / kMinute % 60), static_cast<int>(in_day / kSecond % 60),
          static_cast<int>(in_day % 1000)};
}

// Reads exactly `n` digits at `pos`, advancing it.
bool Digits(std::string_view s, size_t& pos, size_t n, int64_t& out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

// Parses "YYYY-MM-DD" at pos into days since epoch.
bool ParseDate(std::string_view s, size_t& pos, int64_t& days) {
  int64_t y, mo, d;
  if (!Digits(s, pos, 4, y) || !Expect(s, pos, '-') || !Digits(s, pos, 2, mo) ||
      !Expect(s, pos, '-') || !Digits(s, pos, 2, d))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, static_cast<unsigned>(mo))) return false;
  days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return true;
}

// Parses "THH:MM:SS[.fraction]" at pos into milliseconds of the day (fraction truncated to ms).
bool ParseTimeOfDay(std::string_view s, size_t& pos, int64_t& ms) {
  int64_t h, mi, se;
  if (!Expect(s, pos, 'T') || !Digits(s, pos, 2, h) || !Expect(s, pos, ':') ||
      !Digits(s, pos, 2, mi) || !Expect(s, pos, ':') || !Digits(s, pos, 2, se))
    return false;
  if (h > 23 || mi > 59 || se > 60) return false;  // 60: a leap second, read as :59 + 1 s
  int64_t frac_ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t n = 0;
    int64_t scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (++n > 9) return false;
      frac_ms += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (n == 0) return false;
  }
  ms = h * kHour + mi * kMinute + se * kSecond + frac_ms;
  return true;
}

// Parses "Z", "±HH:MM" or "±HHMM"; offset is what to subtract from local time to get UTC.
bool ParseOffset(std::string_view s, size_t& pos, int64_t& offset, bool& zulu) {
  if (pos >= s.size()) return false;
  if (s[pos] == 'Z') {
    ++pos;
    offset = 0;
    zulu = true;
    return true;
  }
  if (s[pos] != '+' && s[pos] != '-') return false;
  const int sign = s[pos] == '-' ? -1 : 1;
  ++pos;
  int64_t h, m;
  if (!Digits(s, pos, 2, h)) return false;
  if (pos < s.size() && s[pos] == ':') ++pos;
  if (!Digits(s, pos, 2, m) || h > 23 || m > 59) return false;
  offset = sign * (h * kHour + m * kMinute);
  zulu = false;
  return true;
}

}  // namespace

std::string FormatIsoMillis(TimeMs t) {
  const Broken b = Break(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<long long>(b.date.year), b.date.month, b.date.day, b.hour, b.minute,
                b.second, b.millis);
  return buf;
}

std::string FormatKoreaStamp(TimeMs t) {
  const Broken b = Break(t + kKoreaOffset);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld%02u%02u%02d%02d%02d", static_cast<long long>(b.date.year),
                b.date.month, b.date.day, b.hour, b.minute, b.second);
  return buf;
}

TimeMs AddCalendarMonths(TimeMs t, int months) {
  const int64_t days = FloorDiv(t, kDay);
  const TimeMs in_day = t - days * kDay;
  const Civil c = CivilFromDays(days);
  const int64_t month_index = c.year * 12 + (c.month - 1) + months;
  const int64_t year = FloorDiv(month_index, 12);
  const unsigned month = static_cast<unsigned>(month_index - year * 12) + 1;
  const unsigned day = std::min(c.day, DaysInMonth(year, month));
  return DaysFromCivil(year, month, day) * kDay + in_day;
}

std::optional<ParsedDate> ParseIsoDateTime(std::string_view text) {
  size_t pos = 0;
  int64_t days, ms, offset;
  bool zulu;
  if (!ParseDate(text, pos, days) || !ParseTimeOfDay(text, pos, ms) ||
      !ParseOffset(text, pos, offset, zulu) || pos != text.size())
    return std::nullopt;
  return ParsedDate{days * kDay + ms - offset, zulu};
}

std::optional<TimeMs> ParseFilterDate(std::string_view text, bool end_of_day) {
  size_t pos = 0;
  int64_t days;
  if (!ParseDate(text, pos, days)) return std::nullopt;
  if (pos == text.size()) return days * kDay + (end_of_day ? kDay - 1 : 0);
  int64_t ms;
  if (!ParseTimeOfDay(text, pos, ms)) return std::nullopt;
  int64_t offset = 0;
  bool zulu = false;
  if (pos != text.size() && (!ParseOffset(text, pos, offset, zulu) || pos != text.size()))
    return std::nullopt;
  return days * kDay + ms - offset;
}

}  // namespace senderid
