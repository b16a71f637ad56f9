#pragma once
// `senderid backup --to DIR` and `senderid restore --from DIR [--data DIR]` (SPEC §14): an online,
// consistent copy of a SQLite store — its two database files, the documents it refers to and a
// manifest.json with a sha256 per file — taken while serve runs, and its restore into a new data
// directory. The master key is never in a backup (SPEC §11): the operator keeps it apart.
// PostgreSQL stores are refused with a pointer to the README's pg_dump recipe.

#include <CLI/CLI.hpp>

#include "app/commands.h"

namespace senderid {

void DefineBackupCommands(CLI::App& app, CommandLine& cli);

}  // namespace senderid
