#pragma once
// The subcommands of the senderid binary and the options they share (SPEC §10, §14). Every option
// also reads SENDERID_<OPTION> from the environment and, for the options of the registry and of
// serve, a key of the --config file (app/config_file.h): a flag beats the environment, which beats
// the file.

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "app/wiring.h"

namespace senderid {

struct ServeConfig {
  std::string listen = "127.0.0.1:8080";
  size_t max_body_memory = 64 * 1024 * 1024;
  int io_threads = 2;
  std::string sweep_interval = "1m";
  bool access_log = true;
  std::string log_format = "text";  // text | json (SPEC §14)
  // The operators' listener (SPEC §13): off unless an address is given.
  std::string admin_listen;
  std::vector<std::string> admin_hosts;  // more Host values it answers (behind a proxy)
  bool admin_secure_cookies = false;
};

struct CommandLine {
  StoreConfig store;
  std::string operator_name;  // --operator: who the audit log names for CLI changes
  RegistryConfig registry;
  std::string pending_lifetime = "12d";
  // ARS durations, parsed by Finish into registry.verification / registry.voice.
  std::string mfa_lifetime = "5m";
  std::string call_spacing = "60s";
  std::string call_window = "24h";
  std::string voice_timeout = "5s";
  // Events and webhooks (SPEC §12), parsed by Finish into registry.*.
  std::string expiry_notice = "14d";
  std::string event_retention = "30d";
  std::string webhook_timeout = "15s";
  std::string webhook_retry_schedule = "5s,5m,30m,2h,5h,10h,10h";
  std::string webhook_disable_after = "5d";
  ServeConfig serve;
  int exit_code = 0;
};

void DefineCommands(CLI::App& app, CommandLine& cli);

// `senderid serve`: runs until SIGTERM/SIGINT; returns the exit code.
int RunServe(const CommandLine& cli);

// `senderid migrate`: opens the store with migrations allowed, prints its schema version.
int RunMigrate(const CommandLine& cli);

// Opens the registry for a command; prints a one-line error and returns null on failure.
std::unique_ptr<Registry> OpenForCommand(const CommandLine& cli);

// Prints a one-line error to stderr in the CLI's format.
void PrintError(const std::string& message);

}  // namespace senderid
