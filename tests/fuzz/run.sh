#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-19, ASan+UBSan) into build-fuzz/ and fuzzes each one over a
# scratch copy of its committed corpus.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
#
#   SECONDS  per target (default 30): nproc targets at a time, each -max_total_time=SECONDS.
#            0 = no time limit: the targets run in parallel until one crashes or Ctrl-C.
#   TARGET   names of tests/fuzz/corpus/* (default: all), e.g. `tests/fuzz/run.sh 0 http_request`.
#
# New interesting inputs go to build-fuzz/fuzz/<target>/corpus (kept between runs, never the
# committed corpus); crashes to build-fuzz/fuzz/<target>/artifacts/. Exits non-zero if any target
# crashed, printing each crasher's path. Reproduce one with `build-fuzz/tests/fuzz/<target>_fuzz
# <crasher>`; once fixed, copy it into tests/fuzz/corpus/<target>/ so it is replayed on every run.
# Extra libFuzzer flags may be passed in FUZZ_FLAGS (e.g. FUZZ_FLAGS=-jobs=2).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-30}"
shift || true
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: tests/fuzz/run.sh [SECONDS] [TARGET...]" >&2; exit 2; }

all_targets=()
for dir in tests/fuzz/corpus/*/; do all_targets+=("$(basename "$dir")"); done
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [ -f "tests/fuzz/${t}_fuzz.cc" ] || { echo "unknown target '$t' (have: ${all_targets[*]})" >&2; exit 2; }
done

# Toolchain and libraries: installed only when missing.
# clang-19 (Debian's clang 14 cannot compile libstdc++ 12 in C++20), libFuzzer and the sanitizer
# runtimes, llvm-symbolizer-19 for readable stacks.
./scripts/deps.sh clang-19 libclang-rt-19-dev llvm-19
export ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-19 UBSAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-19

build=build-fuzz
CC=clang-19 CXX=clang++-19 cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++-19 \
  -DSENDERID_FUZZ=ON -DSENDERID_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSENDERID_SANITIZE=address,undefined >/dev/null
targets_to_build=()
for t in "${targets[@]}"; do targets_to_build+=(--target "${t}_fuzz"); done
cmake --build "$build" -j"$(nproc)" "${targets_to_build[@]}"

# Runs one target; returns libFuzzer's exit status.
fuzz() {
  local t="$1" work="$build/fuzz/$1"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp -r "tests/fuzz/corpus/$t/." "$work/corpus/"
  local flags=(-artifact_prefix="$work/artifacts/" -timeout=10 -rss_limit_mb=2560 -print_final_stats=1)
  [ "$seconds" -gt 0 ] && flags+=(-max_total_time="$seconds")
  [ -f "tests/fuzz/$t.dict" ] && flags+=(-dict="tests/fuzz/$t.dict")
  # shellcheck disable=SC2086  # FUZZ_FLAGS is a list of flags
  "$build/tests/fuzz/${t}_fuzz" "${flags[@]}" ${FUZZ_FLAGS:-} "$work/corpus" >"$work/log" 2>&1
}

report() {
  local t="$1" status="$2" work="$build/fuzz/$1"
  if [ "$status" -eq 0 ]; then
    echo "$t: ok ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/log" | grep -o '[0-9]*$' || echo '?') runs)"
    return 0
  fi
  echo "$t: FAILED (exit $status); log: $work/log" >&2
  grep -E 'ERROR: |invariant broken|SUMMARY' "$work/log" | head -5 >&2 || true
  local found=0
  for f in "$work"/artifacts/*; do
    [ -e "$f" ] || continue
    echo "  crasher: $f" >&2
    found=1
  done
  [ "$found" -eq 1 ] || tail -20 "$work/log" >&2
  return 1
}

failed=0
if [ "$seconds" -gt 0 ]; then
  # nproc targets at a time: each libFuzzer process is single-threaded, so a run of all targets
  # takes ceil(targets / nproc) × SECONDS instead of targets × SECONDS.
  declare -A running=()
  for t in "${targets[@]}"; do
    rm -f "$build/fuzz/$t"/artifacts/*
    fuzz "$t" &
    running[$!]="$t"
    while [ ${#running[@]} -ge "$(nproc)" ] || { [ "$t" = "${targets[-1]}" ] && [ ${#running[@]} -gt 0 ]; }; do
      status=0
      pid=""
      wait -n -p pid "${!running[@]}" || status=$?
      [ -n "$pid" ] || continue
      report "${running[$pid]}" "$status" || failed=1
      unset "running[$pid]"
    done
  done
else
  declare -A target_of=()
  trap 'for p in "${!target_of[@]}"; do kill -INT "$p" 2>/dev/null || true; done' INT TERM
  for t in "${targets[@]}"; do
    rm -f "$build/fuzz/$t"/artifacts/*
    fuzz "$t" &
    target_of[$!]="$t"
    echo "$t: fuzzing without limit (pid $!, log $build/fuzz/$t/log)"
  done
  while [ ${#target_of[@]} -gt 0 ]; do
    status=0
    pid=""
    wait -n -p pid "${!target_of[@]}" || status=$?
    [ -n "$pid" ] || continue  # a signal interrupted the wait
    t="${target_of[$pid]}"
    unset "target_of[$pid]"
    if [ "$status" -eq 72 ]; then  # libFuzzer's exit status when interrupted
      echo "$t: interrupted"
      continue
    fi
    report "$t" "$status" || failed=1
  done
fi
exit "$failed"
