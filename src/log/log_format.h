#pragma once
// How the process writes its log (SPEC §14 --log-format): the one place that decides what a log
// line looks like, for spdlog's every logger and for the access log.
//   text: `2026-12-02T07:30:00.123Z info message`, access lines `id=… method=… path=… status=…`;
//   json: one object per line — {"time","level","msg"}, and for an access line {"time","level",
//         "requestId","method","route","status","ms","accountId"} (plus "path" and "errorCode").
// Neither ever carries headers, bodies, secrets or codes: only what is passed here.
// UseLogFormat is process-wide, like spdlog's registry: call it at start, before threads log.

#include <spdlog/logger.h>

#include <optional>
#include <string_view>

namespace senderid::log {

enum class LogFormat { kText, kJson };

// "text" or "json".
std::optional<LogFormat> ParseLogFormat(std::string_view text);

// Every spdlog logger, now and later, writes in `format`.
void UseLogFormat(LogFormat format);
// The format in use (kText until UseLogFormat says otherwise).
LogFormat CurrentLogFormat();

// What the access line of one answered request says. Values must be log-safe already (no
// spaces or control characters in the text form: see http/server/wire.h LogSafe).
struct AccessRecord {
  std::string_view request_id;
  std::string_view method;
  std::string_view route;  // the path template, or "" when no route has the path
  std::string_view path;   // without the query
  int status = 0;
  double ms = 0;
  std::string_view account;  // account id or operator name, "" when none
  std::string_view error;    // the answer's error code, "" when none
};

// Writes the access line of `r` to `logger` (info level) in the format in use.
void LogAccess(spdlog::logger& logger, const AccessRecord& r);

// The name of the access logger; its lines are the access records.
inline constexpr std::string_view kAccessLogger = "access";

}  // namespace senderid::log
