// Tests for core/time: the two textual forms of SPEC §1, calendar months (§7) and the date syntax of
// Authorization headers (§2) and query filters (§4.11). Expected instants come from libc's timegm
// (test::Utc), not from the code under test.

#include "core/time.h"

#include <gtest/gtest.h>

#include <optional>
#include <string_view>
#include <vector>

#include "tests/unit/testing.h"

namespace senderid {
namespace {

using test::Utc;

// ---------------------------------------------------------------------------------------------
// FormatIsoMillis

TEST(FormatIsoMillisTest, Table) {
  struct Case {
    TimeMs t;
    std::string_view want;
  };
  const std::vector<Case> cases = {
      {0, "1970-01-01T00:00:00.000Z"},
      {1, "1970-01-01T00:00:00.001Z"},
      {999, "1970-01-01T00:00:00.999Z"},
      {1000, "1970-01-01T00:00:01.000Z"},
      {Utc(2018, 11, 20, 5, 25, 27, 757), "2018-11-20T05:25:27.757Z"},  // SPEC §1 example
      {Utc(2018, 11, 20, 5, 25, 27, 7), "2018-11-20T05:25:27.007Z"},    // zero-padded ms
      {Utc(2018, 11, 20, 5, 25, 27, 70), "2018-11-20T05:25:27.070Z"},
      {Utc(2024, 2, 29, 23, 59, 59, 999), "2024-02-29T23:59:59.999Z"},  // leap day, last ms
      {Utc(2024, 3, 1), "2024-03-01T00:00:00.000Z"},
      {Utc(2000, 2, 29, 12), "2000-02-29T12:00:00.000Z"},
      {Utc(2100, 3, 1), "2100-03-01T00:00:00.000Z"},
      {Utc(9999, 12, 31, 23, 59, 59, 999), "9999-12-31T23:59:59.999Z"},
  };
  for (const Case& c : cases) EXPECT_EQ(FormatIsoMillis(c.t), c.want) << "t=" << c.t;
}

TEST(FormatIsoMillisTest, RoundTripsThroughParse) {
  for (TimeMs t : {TimeMs{0}, Utc(2018, 11, 20, 5, 25, 27, 757), Utc(2026, 2, 3, 6, 30, 45, 324),
                   Utc(2024, 2, 29, 23, 59, 59, 999)}) {
    const std::optional<ParsedDate> p = ParseIsoDateTime(FormatIsoMillis(t));
    ASSERT_TRUE(p.has_value()) << FormatIsoMillis(t);
    EXPECT_EQ(p->utc, t);
    EXPECT_TRUE(p->zulu);
  }
}

// ---------------------------------------------------------------------------------------------
// FormatKoreaStamp

TEST(FormatKoreaStampTest, Table) {
  struct Case {
    TimeMs t;
    std::string_view want;
    std::string_view why;
  };
  const std::vector<Case> cases = {
      {Utc(2018, 11, 20, 5, 25, 27, 757), "20181120142527", "UTC+9, milliseconds dropped"},
      {Utc(2018, 12, 31, 14, 59, 59, 999), "20181231235959", "last ms of the Korean day"},
      {Utc(2018, 12, 31, 15), "20190101000000", "15:00 UTC is midnight in Korea: year rolls over"},
      {Utc(2024, 2, 28, 15), "20240229000000", "rolls into a leap day"},
      {Utc(2023, 2, 28, 15), "20230301000000", "rolls past Feb 28 in a common year"},
      {Utc(2026, 2, 3, 6, 30, 45, 324), "20260203153045", "ordinary afternoon"},
      {0, "19700101090000", "the epoch"},
  };
  for (const Case& c : cases) EXPECT_EQ(FormatKoreaStamp(c.t), c.want) << c.why;
}

// ---------------------------------------------------------------------------------------------
// AddCalendarMonths

TEST(AddCalendarMonthsTest, Table) {
  struct Case {
    TimeMs from;
    int months;
    TimeMs want;
    std::string_view why;
  };
  const std::vector<Case> cases = {
      {Utc(2023, 8, 31, 13, 14, 15, 678), 6, Utc(2024, 2, 29, 13, 14, 15, 678),
       "Aug 31 + 6 → Feb 29 in a leap year, time of day kept"},
      {Utc(2022, 8, 31), 6, Utc(2023, 2, 28), "Aug 31 + 6 → Feb 28 in a common year"},
      {Utc(2099, 8, 31), 6, Utc(2100, 2, 28), "2100 is not a leap year"},
      {Utc(1999, 8, 31), 6, Utc(2000, 2, 29), "2000 is a leap year"},
      {Utc(2023, 12, 15, 8), 1, Utc(2024, 1, 15, 8), "December → January of the next year"},
      {Utc(2023, 12, 31, 23, 59, 59, 999), 2, Utc(2024, 2, 29, 23, 59, 59, 999),
       "Dec 31 + 2 → Feb 29, last millisecond of the day kept"},
      {Utc(2023, 7, 15), 6, Utc(2024, 1, 15), "July + 6 crosses the year"},
      {Utc(2023, 7, 31), 6, Utc(2024, 1, 31), "no clamp needed"},
      {Utc(2023, 1, 31, 12), 1, Utc(2023, 2, 28, 12), "Jan 31 + 1"},
      {Utc(2023, 3, 31), 1, Utc(2023, 4, 30), "31 → 30-day month"},
      {Utc(2020, 2, 29), 12, Utc(2021, 2, 28), "leap day + 12 months"},
      {Utc(2024, 3, 31, 6), -1, Utc(2024, 2, 29, 6), "negative months clamp too"},
      {Utc(2024, 1, 15), -1, Utc(2023, 12, 15), "negative months cross the year"},
      {Utc(2024, 5, 5, 5, 5, 5, 5), 0, Utc(2024, 5, 5, 5, 5, 5, 5), "zero months"},
      {Utc(2024, 5, 5), 120, Utc(2034, 5, 5), "ten years"},
  };
  for (const Case& c : cases)
    EXPECT_EQ(FormatIsoMillis(AddCalendarMonths(c.from, c.months)), FormatIsoMillis(c.want))
        << c.why;
}

// ---------------------------------------------------------------------------------------------
// ParseIsoDateTime

TEST(ParseIsoDateTimeTest, AcceptsEveryVariantOfSpec2) {
  struct Case {
    std::string_view text;
    TimeMs want;
    bool zulu;
    std::string_view why;
  };
  const std::vector<Case> cases = {
      {"2021-02-19T05:12:34Z", Utc(2021, 2, 19, 5, 12, 34), true, "seconds, Z"},
      {"2022-02-24T15:30:00+09:00", Utc(2022, 2, 24, 6, 30), false, "Node: +09:00"},
      {"2025-03-13T15:30:45.123456+09:00", Utc(2025, 3, 13, 6, 30, 45, 123), false,
       "Python: 6 fraction digits"},
      {"2021-04-19T15:30:45.123+0900", Utc(2021, 4, 19, 6, 30, 45, 123), false,
       "Ruby: +0900 without colon"},
      {"2021-04-19T15:30:45.123456789+09:00", Utc(2021, 4, 19, 6, 30, 45, 123), false,
       "Java: 9 fraction digits (nanoseconds)"},
      {"2026-02-03T15:30:45.32400Z", Utc(2026, 2, 3, 15, 30, 45, 324), true,
       "PHP: 5 fraction digits, literal Z (read here as UTC)"},
      {"2021-02-19T05:12:34.1Z", Utc(2021, 2, 19, 5, 12, 34, 100), true, "1 fraction digit"},
      {"2021-02-19T05:12:34.12Z", Utc(2021, 2, 19, 5, 12, 34, 120), true, "2 fraction digits"},
      {"2021-02-19T05:12:34.9999Z", Utc(2021, 2, 19, 5, 12, 34, 999), true,
       "fraction truncated to ms, never rounded up into the next second"},
      {"2021-02-19T05:12:34.999999999Z", Utc(2021, 2, 19, 5, 12, 34, 999), true,
       "9 nines still truncate to .999"},
      {"2021-02-19T05:12:34.000Z", Utc(2021, 2, 19, 5, 12, 34), true, "zero fraction"},
      {"2021-02-19T05:12:34+00:00", Utc(2021, 2, 19, 5, 12, 34), false,
       "+00:00 is not a literal Z"},
      {"2021-02-19T05:12:34-05:30", Utc(2021, 2, 19, 10, 42, 34), false, "negative offset"},
      {"2021-02-19T05:12:34-0530", Utc(2021, 2, 19, 10, 42, 34), false, "negative, no colon"},
      {"2021-01-01T08:59:59+09:00", Utc(2020, 12, 31, 23, 59, 59), false,
       "offset crosses the year backwards"},
      {"2024-02-29T00:00:00Z", Utc(2024, 2, 29), true, "leap day"},
      {"2000-02-29T00:00:00Z", Utc(2000, 2, 29), true, "leap day of a /400 year"},
      {"2021-12-31T23:59:59Z", Utc(2021, 12, 31, 23, 59, 59), true, "last second of a year"},
  };
  for (const Case& c : cases) {
    const std::optional<ParsedDate> p = ParseIsoDateTime(c.text);
    ASSERT_TRUE(p.has_value()) << c.text << " (" << c.why << ")";
    EXPECT_EQ(FormatIsoMillis(p->utc), FormatIsoMillis(c.want)) << c.text << " (" << c.why << ")";
    EXPECT_EQ(p->zulu, c.zulu) << c.text;
  }
}

TEST(ParseIsoDateTimeTest, Rejects) {
  struct Case {
    std::string_view text;
    std::string_view why;
  };
  const std::vector<Case> cases = {
      {"", "empty"},
      {"2021-02-19T05:12:34", "no offset"},
      {"2021-02-19T05:12:34.123", "fraction, no offset"},
      {"2021-02-19T05:12:34.1234567890Z", "10 fraction digits"},
      {"2021-02-19T05:12:34.Z", "dot without digits"},
      {"2021-13-01T00:00:00Z", "month 13"},
      {"2021-00-10T00:00:00Z", "month 0"},
      {"2021-01-00T00:00:00Z", "day 0"},
      {"2021-01-32T00:00:00Z", "day 32"},
      {"2021-02-30T00:00:00Z", "Feb 30"},
      {"2023-02-29T00:00:00Z", "Feb 29 in a common year"},
      {"2100-02-29T00:00:00Z", "Feb 29 in 2100"},
      {"2021-04-31T00:00:00Z", "Apr 31"},
      {"2021-02-19T24:00:00Z", "hour 24"},
      {"2021-02-19T05:60:00Z", "minute 60"},
      {"2021-02-19T05:12:61Z", "second 61"},
      {"2021-02-19T05:12:34Zjunk", "trailing junk after Z"},
      {"2021-02-19T05:12:34+09:00x", "trailing junk after offset"},
      {"2021-02-19T05:12:34Z ", "trailing space"},
      {" 2021-02-19T05:12:34Z", "leading space"},
      {"2021-02-19 05:12:34Z", "space instead of T"},
      {"2021-02-19T05:12:34 +09:00", "space before offset"},
      {"2021-02-19t05:12:34Z", "lower-case t"},
      {"2021-2-19T05:12:34Z", "one-digit month"},
      {"2021-02-19T5:12:34Z", "one-digit hour"},
      {"2021-02-19T05:12Z", "no seconds"},
      {"2021-02-19", "date only"},
      {"2021-02-19T05:12:34+9:00", "one-digit offset hour"},
      {"2021-02-19T05:12:34+09", "offset without minutes"},
      {"2021-02-19T05:12:34+09:0", "offset minutes one digit"},
      {"2021-02-19T05:12:34+09:60", "offset minutes 60"},
      {"2021-02-19T05:12:34+24:00", "offset hours 24"},
      {"2021-02-19T05:12:34+09:00:00", "offset with seconds"},
      {"2021-02-19T05:12:34UTC", "named zone"},
      {"20210219T051234Z", "basic format"},
      {"+2021-02-19T05:12:34Z", "signed year"},
      {"2021-02-19T05:12:34.12a4Z", "non-digit in fraction"},
  };
  for (const Case& c : cases)
    EXPECT_FALSE(ParseIsoDateTime(c.text).has_value()) << "'" << c.text << "' (" << c.why << ")";
}

TEST(ParseIsoDateTimeTest, RejectsEmbeddedNul) {
  const std::string_view text("2021-02-19T05:12:34Z\0", 21);
  EXPECT_FALSE(ParseIsoDateTime(text).has_value());
}

TEST(ParseIsoDateTimeTest, LeapSecondReadsAsNextSecond) {
  const std::optional<ParsedDate> p = ParseIsoDateTime("2016-12-31T23:59:60Z");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->utc, Utc(2017, 1, 1));
}

// ---------------------------------------------------------------------------------------------
// ParseFilterDate

TEST(ParseFilterDateTest, Table) {
  struct Case {
    std::string_view text;
    bool end_of_day;
    TimeMs want;
    std::string_view why;
  };
  const std::vector<Case> cases = {
      {"2024-03-10", false, Utc(2024, 3, 10), "date only: start of the UTC day"},
      {"2024-03-10", true, Utc(2024, 3, 10, 23, 59, 59, 999), "date only: its last millisecond"},
      {"2024-02-29", true, Utc(2024, 2, 29, 23, 59, 59, 999), "leap day, end"},
      {"2024-03-10T12:34:56", false, Utc(2024, 3, 10, 12, 34, 56), "date-time without offset: UTC"},
      {"2024-03-10T12:34:56", true, Utc(2024, 3, 10, 12, 34, 56),
       "date-time: end_of_day does not move an explicit time"},
      {"2024-03-10T12:34:56.789", false, Utc(2024, 3, 10, 12, 34, 56, 789), "with fraction"},
      {"2024-03-10T12:34:56Z", false, Utc(2024, 3, 10, 12, 34, 56), "with Z"},
      {"2024-03-10T00:00:00+09:00", false, Utc(2024, 3, 9, 15), "with +09:00"},
      {"2024-03-10T00:00:00+0900", true, Utc(2024, 3, 9, 15), "with +0900"},
      {"2024-03-10T12:34:56.123456789-01:00", false, Utc(2024, 3, 10, 13, 34, 56, 123),
       "nanoseconds, negative offset"},
  };
  for (const Case& c : cases) {
    const std::optional<TimeMs> t = ParseFilterDate(c.text, c.end_of_day);
    ASSERT_TRUE(t.has_value()) << c.text << " (" << c.why << ")";
    EXPECT_EQ(FormatIsoMillis(*t), FormatIsoMillis(c.want)) << c.text << " (" << c.why << ")";
  }
}

TEST(ParseFilterDateTest, Rejects) {
  for (std::string_view text :
       {"", "2024-03", "2024-3-10", "2024-02-30", "2024-03-10T", "2024-03-10T12:34",
        "2024-03-10T12:34:56+", "2024-03-10T12:34:56Zx", "2024-03-10 12:34:56", "2024-03-10 ",
        "2024-03-10x", "yesterday", "2024-03-10T25:00:00"}) {
    EXPECT_FALSE(ParseFilterDate(text, false).has_value()) << "'" << text << "'";
    EXPECT_FALSE(ParseFilterDate(text, true).has_value()) << "'" << text << "'";
  }
}

}  // namespace
}  // namespace senderid
