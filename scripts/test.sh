#!/usr/bin/env bash
# Sets up and runs the whole test suite: installs what is missing, builds, runs the unit tests and
# the store contract suite (ctest) and the black-box API tests (pytest against the real binary over
# real HTTP, every answer checked against docs/openapi/customer.json).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
echo "== unit tests" >&2
ctest --test-dir build --output-on-failure -j"$(nproc)" -L unit
echo "== store contract suite (every store adapter)" >&2
ctest --test-dir build --output-on-failure -j"$(nproc)" -L contract
echo "== OpenAPI documents (schema validation)" >&2
scripts/lint-openapi.sh
echo "== API tests (real server, real SQLite files)" >&2
SENDERID_BIN="$PWD/build/senderid" /usr/bin/python3 -m pytest -q -n "$(nproc)" tests/api
