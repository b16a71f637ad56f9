#include "log/log_format.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

namespace senderid::log {
namespace {

// A logger of `name` writing to `out`, formatted as UseLogFormat said (as the factories do).
std::shared_ptr<spdlog::logger> Capture(const std::string& name, std::ostringstream& out) {
  auto logger =
      std::make_shared<spdlog::logger>(name, std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  spdlog::initialize_logger(logger);
  return logger;
}

const AccessRecord kRecord{"R1", "GET", "/x/{id}", "/x/1", 200, 1.234, "1001", ""};

class LogFormatTest : public ::testing::Test {
 protected:
  void TearDown() override {
    spdlog::drop("access");
    spdlog::drop("other");
    UseLogFormat(LogFormat::kText);
  }
};

TEST_F(LogFormatTest, ParsesItsTwoNames) {
  EXPECT_EQ(ParseLogFormat("text"), LogFormat::kText);
  EXPECT_EQ(ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_FALSE(ParseLogFormat("JSON").has_value());
  EXPECT_FALSE(ParseLogFormat("").has_value());
}

TEST_F(LogFormatTest, JsonAccessLinesCarryTheFieldsAfterTimeAndLevel) {
  UseLogFormat(LogFormat::kJson);
  std::ostringstream out;
  LogAccess(*Capture("access", out), kRecord);
  const std::string line = out.str();
  ASSERT_EQ(line.rfind("{\"time\":\"", 0), 0u) << line;
  EXPECT_NE(line.find("Z\",\"level\":\"info\",\"requestId\":\"R1\",\"method\":\"GET\","
                      "\"route\":\"/x/{id}\",\"path\":\"/x/1\",\"status\":200,\"ms\":1.23,"
                      "\"accountId\":\"1001\",\"errorCode\":\"\"}\n"),
            std::string::npos)
      << line;
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line";
}

TEST_F(LogFormatTest, JsonOtherLinesAreEscapedIntoMsg) {
  UseLogFormat(LogFormat::kJson);
  std::ostringstream out;
  auto logger = Capture("other", out);
  logger->warn("a \"quoted\"\nline {}", "\x01");
  logger->info("{\"looks\":\"like an object\"}");  // only the access logger's payload is fields
  const std::string text = out.str();
  EXPECT_NE(text.find("\"level\":\"warning\",\"msg\":\"a \\\"quoted\\\"\\nline \\u0001\"}\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\"msg\":\"{\\\"looks\\\":\\\"like an object\\\"}\"}\n"), std::string::npos)
      << text;
}

TEST_F(LogFormatTest, TextAccessLinesStayKeyValue) {
  UseLogFormat(LogFormat::kText);
  std::ostringstream out;
  AccessRecord r = kRecord;
  r.route = "";
  r.account = "";
  r.error = "ResourceNotFound";
  LogAccess(*Capture("access", out), r);
  EXPECT_NE(out.str().find(" info id=R1 method=GET path=/x/1 status=200 ms=1.23 account=- "
                           "error=ResourceNotFound route=-\n"),
            std::string::npos)
      << out.str();
}

}  // namespace
}  // namespace senderid::log
