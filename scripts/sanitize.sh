#!/usr/bin/env bash
# The test suite under sanitizers (CI runs this after scripts/test.sh):
#  - ASan+UBSan: every unit and contract test and every black-box API test against an instrumented
#    server;
#  - TSan: the unit and contract tests (HTTP server, store group commit, concurrent services, the
#    store invariants under concurrency).
# Any sanitizer report fails the run — also one written by a server process at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc)
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT

check_reports() {
  if compgen -G "$reports/*" >/dev/null; then
    echo "sanitizer reports:" >&2
    cat "$reports"/* >&2
    exit 1
  fi
}

echo "== ASan+UBSan build" >&2
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSENDERID_WERROR=ON \
  -DSENDERID_SANITIZE=address,undefined -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" >/dev/null
cmake --build build-asan -j"$jobs"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:log_path=$reports/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
echo "== ASan+UBSan unit tests" >&2
ctest --test-dir build-asan --output-on-failure -j"$jobs" -L 'unit|contract'
echo "== ASan+UBSan API tests" >&2
# The answers' conformance to the OpenAPI documents is checked by test.sh; here the server's memory is.
SENDERID_BIN="$PWD/build-asan/senderid" SENDERID_OPENAPI_CHECK=0 /usr/bin/python3 -m pytest -q -n "$jobs" tests/api
check_reports
unset ASAN_OPTIONS UBSAN_OPTIONS

echo "== TSan build" >&2
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSENDERID_WERROR=ON \
  -DSENDERID_SANITIZE=thread -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" >/dev/null
cmake --build build-tsan -j"$jobs" --target senderid_unit_tests senderid_contract_tests
echo "== TSan unit tests" >&2
TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$reports/tsan" \
  ctest --test-dir build-tsan --output-on-failure -j"$jobs" -L 'unit|contract'
check_reports
echo "sanitizers: clean" >&2
