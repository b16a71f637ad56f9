// senderid: the sender-number registry server and its operator command line (SPEC §10).

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include <cstdio>
#include <iostream>

#include "app/commands.h"
#include "app/version.h"
#include "log/log_format.h"

int main(int argc, char** argv) {
  // Everything senderid creates — databases, documents, keys, the outbox — is for its own user only.
  ::umask(077);
  spdlog::set_default_logger(spdlog::stderr_color_mt("senderid"));
  senderid::log::UseLogFormat(senderid::log::LogFormat::kText);  // serve may choose json
  CLI::App app{"senderid — sender-number (발신번호) registry, SOLAPI senderid/v1 compatible"};
  app.set_version_flag("--version", senderid::VersionLine(), "Print the version and exit")
      ->configurable(false);  // not a key of --config
  app.require_subcommand(1);
  // One line on stderr for a usage error, like every other failure of the CLI (SPEC §10).
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return "senderid: " + std::string(e.what()) + "\n";
  });
  senderid::CommandLine cli;
  senderid::DefineCommands(app, cli);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return cli.exit_code;
}
