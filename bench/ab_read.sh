#!/usr/bin/env bash
# A/B of signed GET /senderid/v1/numbers/active against GET /healthz for two server binaries
# (e.g. a parent commit's and HEAD's), alternating A and B each round under the same load generator,
# at c=16 and c=128: one line per round, binary and concurrency (docs/benchmarks.md, issue 16).
#
#   bench/ab_read.sh SERVER_A SERVER_B [ROUNDS=3] [SECONDS=5] [BUILD_DIR=build]
set -u
[ $# -ge 2 ] || { sed -n '2,6p' "$0"; exit 2; }
ROUNDS=${3:-3}; SECS=${4:-5}; BUILD=${5:-build}
LG=$BUILD/bench/senderid-loadgen; FILL=$BUILD/bench/senderid-fill
declare -A BIN=([A]=$1 [B]=$2)
W=$(mktemp -d); chmod 700 $W
for v in A B; do mkdir -m 700 $W/$v; $FILL --data $W/$v/d --accounts 1 --numbers-per-account 5 --credentials-out $W/$v/acc.json >/dev/null 2>&1; done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
for r in $(seq $ROUNDS); do
  for v in A B; do
    ${BIN[$v]} serve --data $W/$v/d --listen 127.0.0.1:$port --no-access-log >$W/$v/log 2>&1 & pid=$!
    for i in $(seq 200); do curl -s -o /dev/null 127.0.0.1:$port/healthz && break; sleep 0.05; done
    for c in 16 128; do
      h=$($LG --port $port --duration $SECS --warmup 1 --label h --mode healthz -c $c | python3 -c "import json,sys; d=json.load(sys.stdin); print(round(d['requests_per_s']))")
      a=$($LG --port $port --duration $SECS --warmup 1 --label a --mode active -c $c --accounts $W/$v/acc.json | python3 -c "import json,sys; d=json.load(sys.stdin); print(round(d['requests_per_s']), d['latency_ms']['p99'], d['error_count'])")
      echo "round=$r $v c=$c healthz=$h active(req/s p99 errors)=$a ratio=$(python3 -c "print(round(100*${a%% *}/$h))")% load=$(cut -d' ' -f1 /proc/loadavg)"
    done
    kill $pid; wait $pid 2>/dev/null
  done
done
rm -rf $W
