#!/usr/bin/env bash
# Throughput of signed GET /senderid/v1/numbers/active against unauthenticated GET /healthz on the
# same server in the same run (issue: the signed endpoint should reach >= 50% of /healthz).
# Usage: bench/auth_throughput.sh [seconds=10] [connections=16] [threads=2]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}; conns=${2:-16}; threads=${3:-2}
bin=build/senderid
[ -x "$bin" ] || scripts/build.sh >/dev/null
command -v wrk >/dev/null || { echo "wrk missing: apt-get install wrk" >&2; exit 1; }
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
acct=$("$bin" accounts create --data "$dir" --name bench)
key=$(sed -n 's/.*"apiKey":"\([^"]*\)".*/\1/p' <<<"$acct")
secret=$(sed -n 's/.*"apiSecret":"\([^"]*\)".*/\1/p' <<<"$acct")
"$bin" serve --data "$dir" --listen "127.0.0.1:$port" --no-access-log "${@:4}" 2>"$dir/server.log" &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
python3 bench/presign.py "$key" "$secret" $((secs * 60000)) "$dir/headers"
echo "== GET /healthz (c=$conns, t=$threads, ${secs}s)"
wrk -t"$threads" -c"$conns" -d"${secs}s" --latency "http://127.0.0.1:$port/healthz" | grep -E "Requests/sec|50%|99%|Non-2xx"
echo "== signed GET /senderid/v1/numbers/active (fresh salt per request)"
SIGNED_HEADERS="$dir/headers" WRK_THREADS="$threads" wrk -t"$threads" -c"$conns" -d"${secs}s" --latency \
  -s bench/signed.lua "http://127.0.0.1:$port/senderid/v1/numbers/active" | grep -E "Requests/sec|50%|99%|Non-2xx|thread"
