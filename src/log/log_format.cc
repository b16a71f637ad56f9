#include "log/log_format.h"

#include <spdlog/details/log_msg.h>
#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <ctime>
#include <memory>
#include <string>

#include "json/log_codec.h"

namespace senderid::log {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};

constexpr const char* kTextPattern = "%Y-%m-%dT%H:%M:%S.%eZ %l %v";

// UTC, milliseconds, as the text pattern writes it.
std::string Rfc3339(spdlog::log_clock::time_point t) {
  const auto since = t.time_since_epoch();
  const std::time_t seconds = std::chrono::duration_cast<std::chrono::seconds>(since).count();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since).count() % 1000;
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char buf[32];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return std::string(buf, n) + "." + std::to_string(1000 + ms).substr(1) + "Z";
}

// One JSON object per line. An access line's payload is already an object of its fields
// (LogAccess): time and level are put in front of them; any other payload becomes "msg".
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const std::string time = Rfc3339(msg.time);
    const spdlog::string_view_t level = spdlog::level::to_string_view(msg.level);
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    const std::string_view level_text(level.data(), level.size());
    std::string line;
    if (msg.logger_name == spdlog::string_view_t(kAccessLogger.data(), kAccessLogger.size()) &&
        !payload.empty() && payload.front() == '{') {
      line = json::EncodeLogObject({{"time", time}, {"level", level_text}});
      line.pop_back();  // the closing brace: the access fields follow
      line += ',';
      line.append(payload.substr(1));
    } else {
      line = json::EncodeLogObject({{"time", time}, {"level", level_text}, {"msg", payload}});
    }
    line += '\n';
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

std::string_view OrDash(std::string_view s) { return s.empty() ? std::string_view("-") : s; }

}  // namespace

std::optional<LogFormat> ParseLogFormat(std::string_view text) {
  if (text == "text") return LogFormat::kText;
  if (text == "json") return LogFormat::kJson;
  return std::nullopt;
}

void UseLogFormat(LogFormat format) {
  g_format = format;
  if (format == LogFormat::kJson)
    spdlog::set_formatter(std::make_unique<JsonFormatter>());
  else
    spdlog::set_pattern(kTextPattern, spdlog::pattern_time_type::utc);
}

LogFormat CurrentLogFormat() { return g_format; }

void LogAccess(spdlog::logger& logger, const AccessRecord& r) {
  if (g_format == LogFormat::kJson) {
    // Absent values are null-free: "" for no account or error, so every line has every field.
    logger.info("{}", json::EncodeLogObject({{"requestId", r.request_id},
                                             {"method", r.method},
                                             {"route", r.route},
                                             {"path", r.path},
                                             {"status", int64_t{r.status}},
                                             {"ms", r.ms},
                                             {"accountId", r.account},
                                             {"errorCode", r.error}}));
    return;
  }
  logger.info("id={} method={} path={} status={} ms={:.2f} account={} error={} route={}",
              r.request_id, r.method, r.path, r.status, r.ms, OrDash(r.account), OrDash(r.error),
              OrDash(r.route));
}

}  // namespace senderid::log
