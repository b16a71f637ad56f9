#!/usr/bin/env bash
# Sets up and runs the whole test suite: installs what is missing, builds, runs the unit tests and
# the store contract suite (ctest) and the black-box API tests (pytest against the real binary over
# real HTTP, every answer checked against docs/openapi/customer.json) — on SQLite, then once more on
# a throwaway PostgreSQL 15 (SPEC §11) that this script starts (Unix socket only, in a mktemp -d
# directory) and stops again, also when a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
. scripts/pg_throwaway.sh
trap pg_throwaway_stop EXIT
# fsync off: a throwaway server; durability across a server crash is not what these tests check
# (kill -9 of senderid is: what it acknowledged was committed, synchronous_commit on).
pg_throwaway_start fsync=off
pg_throwaway_createdb senderid_tests
export SENDERID_TEST_PG
SENDERID_TEST_PG=$(pg_throwaway_url senderid_tests)
echo "== unit tests" >&2
ctest --test-dir build --output-on-failure -j"$(nproc)" -L unit
echo "== store contract suite (every store adapter: memory, SQLite, PostgreSQL)" >&2
ctest --test-dir build --output-on-failure -j"$(nproc)" -L contract
echo "== OpenAPI documents (schema validation)" >&2
scripts/lint-openapi.sh
echo "== API tests (real server, real SQLite files)" >&2
SENDERID_TEST_PG="" SENDERID_BIN="$PWD/build/senderid" \
  /usr/bin/python3 -m pytest -q -n "$(nproc)" tests/api
echo "== API tests again, the server on PostgreSQL (and several instances on one database)" >&2
SENDERID_BIN="$PWD/build/senderid" /usr/bin/python3 -m pytest -q -n 2 tests/api
echo "== fault test: PostgreSQL stopped under load and started again (alone: it stops the server)" >&2
PG_FAULTS=1 SENDERID_BIN="$PWD/build/senderid" /usr/bin/python3 -m pytest -q -n 0 \
  tests/api/test_instances.py -k stopped_under_load
