#pragma once
// `senderid sign`: prints an Authorization header for a request signed by hand (curl).

#include <CLI/CLI.hpp>

namespace senderid {

void DefineSignCommand(CLI::App& app, int& exit_code);

}  // namespace senderid
