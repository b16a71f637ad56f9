#pragma once
// `--config FILE` (SPEC §14): a TOML file of top-level keys, each spelled like an option's long
// flag without "--": `db-pool = 8`, `pending-lifetime = "12d"` (durations and other text as
// strings), `access-log = false` (flags as booleans), `admin-host = ["a.example", "b.example"]`
// (an option the command line takes several times as an array, or one string). A flag beats the
// environment (SENDERID_<NAME>), which beats the file, which beats the default. An unknown key, a
// table, a value of the wrong type or one the option refuses stops the command before it starts,
// with the file, the line and the key named.
//
// The file is CLI11's config formatter, so CLI11 reads it after the command line and only for
// options the command line left unset. It does more than a CLI11 formatter usually does, for two
// reasons of CLI11 2.1 (Debian 12): CLI11 reads the file before the environment (the file would
// win), and the items a formatter returns carry no line. So the formatter sets each value itself,
// at once, through the option's own conversion and validators — an error is reported with its
// line — and leaves alone every option whose environment variable is set.

#include <CLI/CLI.hpp>

#include <vector>

namespace senderid {

// Adds `--config FILE` (or SENDERID_CONFIG; no default) to `app`. The keys are the long names of
// the options of `app` and of `sections` (subcommands whose options the file may set too, e.g.
// serve); --help, --config and options marked configurable(false) are not keys. The keys are
// looked up when the file is read, so options may be defined before or after this call.
void AddConfigFile(CLI::App& app, std::vector<CLI::App*> sections);

}  // namespace senderid
