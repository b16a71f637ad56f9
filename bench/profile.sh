#!/usr/bin/env bash
# Profiles the server under one load-generator scenario with `perf record -g` (frame pointers) and
# prints where its CPU time goes: CPU per request, the split by library, the hottest functions
# (self time) and the main inclusive cost centres. The raw profile is kept for `perf report -i`.
#
#   bench/profile.sh MODE [concurrency=16] [seconds=5] [build dir=build-bench-fp]
#   MODE: healthz | active | get-numbers | create-delete | ars | upload
#   STORE=DIR bench/profile.sh …   profiles against a copy of a filled store (a directory with
#                                  senderid.db, master.key and accounts.json, e.g. run.sh's
#                                  --store-cache DIR/store-200000x5) instead of a small fresh one
#
# The build directory is configured (Release, -fno-omit-frame-pointer, SENDERID_BENCH=ON) and built
# when needed. Needs linux-perf (Debian package `linux-perf`).
set -uo pipefail
cd "$(dirname "$0")/.."
mode=${1:?usage: bench/profile.sh MODE [concurrency] [seconds] [build dir]}
conc=${2:-16}; secs=${3:-5}; build=${4:-build-bench-fp}
command -v perf >/dev/null || { echo "perf missing: apt-get install linux-perf" >&2; exit 1; }
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSENDERID_TESTS=OFF -DSENDERID_BENCH=ON \
  -DCMAKE_CXX_FLAGS="-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer" >/dev/null || exit 1
cmake --build "$build" -j"$(nproc)" --target senderid senderid-loadgen senderid-fill >/dev/null || exit 1
bin=$(cd "$build" && pwd)
dir=$(mktemp -d /tmp/senderid-profile.XXXXXX)
out=/tmp/senderid-profile-$mode-c$conc.perf.data
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

if [ -n "${STORE:-}" ]; then
  mkdir -p "$dir/data"
  cp "$STORE/senderid.db" "$STORE/master.key" "$dir/data/" && cp "$STORE/accounts.json" "$dir/" || exit 1
else
  "$bin/bench/senderid-fill" --data "$dir/data" --accounts 200 --numbers-per-account 5 \
    --limit 1000000 --credentials-out "$dir/accounts.json" --credentials-count 100 >/dev/null || exit 1
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin/senderid" serve --data "$dir/data" --listen "127.0.0.1:$port" --no-access-log --call-spacing 1ms \
  --calls-per-account-number 1000000 --calls-per-account 1000000 --calls-per-number 1000000 \
  2>"$dir/server.log" &
pid=$!
"$bin/bench/senderid-loadgen" --mode wait --port "$port" >/dev/null || exit 1
hz=$(getconf CLK_TCK)
cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
perf record -F 4999 -g -o "$out" -p "$pid" -- sleep $((secs + 1)) 2>/dev/null >/dev/null &
perf_pid=$!
result=$("$bin/bench/senderid-loadgen" --mode "$mode" --port "$port" -c "$conc" --duration "$secs" \
  --warmup 1 --accounts "$dir/accounts.json" --data "$dir/data")
wait "$perf_pid"
cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
requests=$(sed -n 's/.*"requests":\([0-9]*\).*/\1/p' <<<"$result")
echo "$result"
echo
# CPU per request: server CPU over the loadgen's whole run (warm-up included) / requests measured.
awk -v t="$((cpu1 - cpu0))" -v hz="$hz" -v n="$requests" -v s="$secs" 'BEGIN {
  cpu = t / hz; wall = s + 1; per = 0; if (n > 0) per = cpu / (n * wall / s) * 1e6
  printf "server CPU: %.2f s over %.0f s of load (%.2f cores); ~%.0f us per request\n", cpu, wall, cpu / wall, per }'
echo
echo "== by library (self time)"
perf report -i "$out" --no-children --sort dso -g none 2>/dev/null | grep -E '^ +[0-9]' | head -10
echo
echo "== hottest functions (self time)"
perf report -i "$out" --no-children --sort symbol -g none 2>/dev/null | grep -E '^ +[0-9]' | head -25 | cut -c1-140
echo
echo "== cost centres (inclusive time)"
perf report -i "$out" --children --sort symbol -g none 2>/dev/null | grep -E '^ +[0-9]' |
  grep -E 'senderid::|sqlite3_step|fdatasync|fsync|__x64_sys_futex|sendmsg|recvmsg|__libc_write|__libc_read|epoll_wait|EVP_MAC|crypto_aead|nlohmann|malloc|cfree|__x64_sys_writev' |
  head -40 | cut -c1-160
echo
echo "profile kept in $out (perf report -i $out)"
