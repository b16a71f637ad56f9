#!/usr/bin/env bash
# Configures and builds the Release binary and unit tests into build/ (warnings are errors).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSENDERID_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"
