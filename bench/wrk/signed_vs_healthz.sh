#!/usr/bin/env bash
# Cross-check of senderid-loadgen with an independent client: wrk (Debian package) on GET /healthz
# and on signed GET /senderid/v1/numbers/active, replaying pre-signed Authorization headers (a fresh
# salt each, so no signature is sent twice; presign.py writes them, signed.lua replays them).
# bench/run.sh is the suite; this script only shows that the load generator is not what limits it.
# Usage: bench/wrk/signed_vs_healthz.sh [seconds=10] [connections=16] [threads=1] [build dir=build]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-10}; conns=${2:-16}; threads=${3:-1}; build=${4:-build}
bin=$build/senderid
[ -x "$bin" ] || { echo "build $bin first (scripts/build.sh)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk" >&2; exit 1; }
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
acct=$("$bin" accounts create --data "$dir" --name bench)
key=$(sed -n 's/.*"apiKey":"\([^"]*\)".*/\1/p' <<<"$acct")
secret=$(sed -n 's/.*"apiSecret":"\([^"]*\)".*/\1/p' <<<"$acct")
"$bin" serve --data "$dir" --listen "127.0.0.1:$port" --no-access-log 2>"$dir/server.log" &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
# Enough headers for 60,000 signed requests per second of the run (wrk reports if they ran out).
python3 bench/wrk/presign.py "$key" "$secret" $((secs * 60000)) "$dir/headers"
echo "== wrk GET /healthz (c=$conns, t=$threads, ${secs}s)"
wrk -t"$threads" -c"$conns" -d"${secs}s" --latency "http://127.0.0.1:$port/healthz" | grep -E "Requests/sec|50%|99%|Non-2xx"
echo "== wrk signed GET /senderid/v1/numbers/active (fresh salt per request)"
SIGNED_HEADERS="$dir/headers" WRK_THREADS="$threads" wrk -t"$threads" -c"$conns" -d"${secs}s" --latency \
  -s bench/wrk/signed.lua "http://127.0.0.1:$port/senderid/v1/numbers/active" | grep -E "Requests/sec|50%|99%|Non-2xx|thread"
