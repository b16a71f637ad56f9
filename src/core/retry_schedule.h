#pragma once
// When a failed webhook delivery is tried again (SPEC §12): after the delays of
// --webhook-retry-schedule (N entries = N retries after the first attempt), each moved by a random
// ±10 %; a longer Retry-After of the receiver (on 429 and 503) replaces the delay, capped at 24 h
// and not jittered. Thread-safe (Random is).

#include <optional>
#include <string_view>
#include <vector>

#include "core/ports/random.h"
#include "core/time.h"

namespace senderid {

struct RetryPolicy {
  std::vector<TimeMs> schedule = {5 * kSecond, 5 * kMinute, 30 * kMinute, 2 * kHour,
                                  5 * kHour,   10 * kHour,  10 * kHour};
  int jitter_percent = 10;
  TimeMs retry_after_cap = 24 * kHour;
};

// The delay before the next attempt once `retries_done` retries of the current run have been made
// (0 after the first attempt), or nullopt when the schedule is spent. `retry_after` is the
// receiver's wish (already converted to a delay), honoured when longer.
std::optional<TimeMs> NextRetryDelay(const RetryPolicy& policy, int retries_done,
                                     std::optional<TimeMs> retry_after, Random& random);

// A Retry-After header value as a delay from `now`: delta-seconds, or an IMF-fixdate
// ("Sun, 06 Nov 1994 08:49:37 GMT"). nullopt when it is neither; a date in the past is 0.
std::optional<TimeMs> ParseRetryAfter(std::string_view value, TimeMs now);

// "5s,5m,30m,2h,5h,10h,10h": a comma list of durations (an integer and s, m, h or d; also ms)
// without spaces; "" is no retry at all. nullopt when malformed.
std::optional<std::vector<TimeMs>> ParseRetrySchedule(std::string_view text);

}  // namespace senderid
