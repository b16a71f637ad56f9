// Tests for core/retry_schedule: the retry schedule with its ±10 % jitter (a seeded Random, so runs
// repeat), Retry-After (seconds or HTTP date, longer only, capped at 24 h, not jittered), and the
// --webhook-retry-schedule syntax.

#include "core/retry_schedule.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/unit/core_testing.h"

namespace senderid {
namespace {

TEST(RetryScheduleTest, EachRetryWaitsItsDelayWithinTenPercent) {
  test::SeededRandom random;
  const RetryPolicy policy;  // 5s,5m,30m,2h,5h,10h,10h
  ASSERT_EQ(policy.schedule.size(), 7u);
  for (size_t i = 0; i < policy.schedule.size(); ++i) {
    const TimeMs base = policy.schedule[i];
    std::set<TimeMs> seen;
    for (int run = 0; run < 200; ++run) {
      const std::optional<TimeMs> d = NextRetryDelay(policy, static_cast<int>(i), std::nullopt, random);
      ASSERT_TRUE(d.has_value());
      EXPECT_GE(*d, base - base / 10) << i;
      EXPECT_LE(*d, base + base / 10) << i;
      seen.insert(*d);
    }
    EXPECT_GT(seen.size(), 50u) << "jitter spreads retry " << i;
  }
  // N entries = N retries: the 8th attempt has no successor.
  EXPECT_FALSE(NextRetryDelay(policy, 7, std::nullopt, random).has_value());
  EXPECT_FALSE(NextRetryDelay(policy, 8, std::nullopt, random).has_value());
}

TEST(RetryScheduleTest, JitterAveragesToTheScheduledDelay) {
  test::SeededRandom random;
  RetryPolicy policy;
  policy.schedule = {10 * kSecond};
  double sum = 0;
  constexpr int kRuns = 2000;
  for (int i = 0; i < kRuns; ++i) sum += static_cast<double>(*NextRetryDelay(policy, 0, {}, random));
  EXPECT_NEAR(sum / kRuns, 10'000.0, 100.0);
}

TEST(RetryScheduleTest, ALongerRetryAfterWinsCappedAndUnjittered) {
  test::SeededRandom random;
  RetryPolicy policy;
  policy.schedule = {5 * kSecond, 5 * kMinute};
  // Longer: taken exactly.
  EXPECT_EQ(NextRetryDelay(policy, 0, 60 * kSecond, random), 60 * kSecond);
  // Shorter than the (jittered) schedule: the schedule wins.
  const std::optional<TimeMs> d = NextRetryDelay(policy, 1, 10 * kSecond, random);
  EXPECT_GE(*d, 270 * kSecond);
  // Capped at 24 h.
  EXPECT_EQ(NextRetryDelay(policy, 0, 3 * kDay, random), 24 * kHour);
  // Never beyond the schedule's end.
  EXPECT_FALSE(NextRetryDelay(policy, 2, kHour, random).has_value());
}

TEST(RetryScheduleTest, RetryAfterIsSecondsOrAnImfFixdate) {
  const TimeMs now = test::Utc(2026, 2, 3, 6, 30, 45, 324);
  EXPECT_EQ(ParseRetryAfter("120", now), 120 * kSecond);
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), 0);
  EXPECT_EQ(ParseRetryAfter("Tue, 03 Feb 2026 06:31:45 GMT", now), 60 * kSecond - 324);
  EXPECT_EQ(ParseRetryAfter("Mon, 02 Feb 2026 06:31:45 GMT", now), 0);  // in the past
  EXPECT_GE(*ParseRetryAfter("99999999999999999999999", now), 24 * kHour);
  for (const char* bad : {"", "soon", "-5", "1.5", "12s", "Tue, 03 Feb 2026 06:31:45 UTC",
                          "Tue, 3 Feb 2026 06:31:45 GMT", "Tue, 03 Foo 2026 06:31:45 GMT"})
    EXPECT_FALSE(ParseRetryAfter(bad, now).has_value()) << bad;
}

TEST(RetryScheduleTest, ScheduleIsACommaListOfDurations) {
  EXPECT_EQ(ParseRetrySchedule("5s,5m,30m,2h,5h,10h,10h"),
            (std::vector<TimeMs>{5 * kSecond, 5 * kMinute, 30 * kMinute, 2 * kHour, 5 * kHour,
                                 10 * kHour, 10 * kHour}));
  EXPECT_EQ(ParseRetrySchedule("1d,200ms"), (std::vector<TimeMs>{kDay, 200}));
  EXPECT_EQ(ParseRetrySchedule(""), std::vector<TimeMs>{});
  for (const char* bad : {"5s, 5m", "5s,", ",5s", "5", "5x", "-5s", "5s,,5s", " 5s"})
    EXPECT_FALSE(ParseRetrySchedule(bad).has_value()) << bad;
}

}  // namespace
}  // namespace senderid
