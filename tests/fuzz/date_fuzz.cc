// Fuzz target: the date parsers of src/core/time.h (Authorization `date`, list filters) and the
// formatters they round-trip with.
//
// Invariants:
//  - ParseIsoDateTime accepts only its grammar's lengths (20–35 characters) and starts with a
//    4-digit year; what it accepts ParseFilterDate accepts too, as the same instant;
//  - replacing a 'Z' by "+00:00" or "+0000" keeps the instant and clears `zulu`;
//  - FormatIsoMillis of the instant parses back to the same instant (for years 0000–9999) and
//    FormatKoreaStamp is 14 digits;
//  - for a `YYYY-MM-DD` filter, end_of_day is exactly one day minus 1 ms after the start;
//  - AddCalendarMonths keeps the time of day, never raises the day of month, and moves the month
//    by exactly the amount asked.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/time.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using senderid::kDay;
using senderid::TimeMs;

// 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z.
constexpr TimeMs kYear0 = -62167219200000;
constexpr TimeMs kYear10000 = 253402300800000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

int Field(std::string_view s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = 0; i < n; ++i) v = v * 10 + (s[pos + i] - '0');
  return v;
}

void CheckRoundTrip(TimeMs t, std::string_view input) {
  if (t < kYear0 || t >= kYear10000) return;
  const std::string iso = senderid::FormatIsoMillis(t);
  const auto back = senderid::ParseIsoDateTime(iso);
  FUZZ_CHECK(back && back->utc == t && back->zulu, iso + " from " + std::string(input));
  if (t + senderid::kKoreaOffset < kYear10000) {
    const std::string stamp = senderid::FormatKoreaStamp(t);
    FUZZ_CHECK(stamp.size() == 14 && stamp.find_first_not_of("0123456789") == std::string::npos,
               stamp);
  }
}

void CheckAddMonths(TimeMs t, int months, std::string_view input) {
  if (t < kYear0 + 400 * 366 * kDay || t >= kYear10000 - 400 * 366 * kDay) return;
  const TimeMs moved = senderid::AddCalendarMonths(t, months);
  FUZZ_CHECK(FloorDiv(moved, kDay) * kDay - moved == FloorDiv(t, kDay) * kDay - t, input);
  const std::string a = senderid::FormatIsoMillis(t), b = senderid::FormatIsoMillis(moved);
  if (moved < kYear0 || moved >= kYear10000) return;
  const int month_a = Field(a, 0, 4) * 12 + Field(a, 5, 2) - 1;
  const int month_b = Field(b, 0, 4) * 12 + Field(b, 5, 2) - 1;
  FUZZ_CHECK(month_b - month_a == months, a + " + months = " + b);
  FUZZ_CHECK(Field(b, 8, 2) <= Field(a, 8, 2), a + " -> " + b);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (const auto parsed = senderid::ParseIsoDateTime(input)) {
    FUZZ_CHECK(input.size() >= 20 && input.size() <= 35, input);
    const auto filter = senderid::ParseFilterDate(input, /*end_of_day=*/true);
    FUZZ_CHECK(filter && *filter == parsed->utc, input);
    FUZZ_CHECK(parsed->zulu == (input.back() == 'Z'), input);
    if (parsed->zulu) {
      for (const char* offset : {"+00:00", "+0000", "-00:00"}) {
        const std::string other = std::string(input.substr(0, input.size() - 1)) + offset;
        const auto same = senderid::ParseIsoDateTime(other);
        FUZZ_CHECK(same && same->utc == parsed->utc && !same->zulu, other);
      }
    }
    CheckRoundTrip(parsed->utc, input);
    const int months = size > 0 ? static_cast<int>(data[size / 2]) - 128 : 0;
    CheckAddMonths(parsed->utc, months * 3, input);
  }

  const auto start = senderid::ParseFilterDate(input, /*end_of_day=*/false);
  const auto end = senderid::ParseFilterDate(input, /*end_of_day=*/true);
  FUZZ_CHECK(start.has_value() == end.has_value(), input);
  if (start) {
    if (input.size() == 10) {
      FUZZ_CHECK(*end - *start == kDay - 1, input);
      FUZZ_CHECK(FloorDiv(*start, kDay) * kDay == *start, input);
    } else {
      FUZZ_CHECK(*end == *start, input);
    }
    CheckRoundTrip(*start, input);
  }
  return 0;
}
