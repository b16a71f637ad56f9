#!/usr/bin/env bash
# The senderid benchmark suite: builds (Release, -DSENDERID_BENCH=ON), starts servers on free
# 127.0.0.1 ports with temporary data directories, runs every scenario several times and prints a
# Markdown table of medians with min–max (docs/benchmarks.md explains the figures).
#
#   bench/run.sh [--quick] [--runs N] [--duration S] [--warmup S] [--build-dir DIR] [--no-build]
#                [--store-cache DIR] [--scale-accounts N] [--only LIST] [--out FILE] [--keep]
#
#   --quick            CI smoke: 1 run of 2 s per scenario, a 2,000-number "large" store; < 2 min
#                      when the build directory is already built (it is after scripts/build.sh).
#   --runs N           runs per scenario (default 3); the table shows median (min–max)
#   --duration S       measured seconds per run (default 10); --warmup S before it (default 1)
#   --build-dir DIR    CMake build directory (default build/, shared with scripts/build.sh, so only
#                      the bench targets are new); --no-build uses it as it is
#   --store-cache DIR  keep the filled 1,000,000-number store there and reuse it next time
#   --scale-accounts N accounts of the large store (default 200000, × 5 numbers; quick: 400)
#   --only LIST        comma-separated subset of: read,write,scale,upload,micro,pg,webhook,webhook-pg
#   --no-pg            leave out the PostgreSQL scenarios (pg, webhook-pg: a throwaway PostgreSQL 15)
#   --out FILE         also write the report there; --keep keeps the work directory
#
# Exit status: non-zero when a scenario failed to run (server did not start, load generator
# failed, too many errors) — never because a performance target was missed.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

QUICK=0; RUNS=3; DURATION=10; WARMUP=1; BUILD_DIR=build; NO_BUILD=0; STORE_CACHE=""
SCALE_ACCOUNTS=""; ONLY="read,write,scale,upload,micro,pg,webhook,webhook-pg"; OUT=""; KEEP=0
READ_CONC="16 128"; WRITE_CONC=64; UPLOAD_CONC=8; SCALE_CONC=16
PG_READ_CONC=16; PG_WRITE_CONC=$WRITE_CONC   # the pg scenario (6.)
# Write benchmarks spread over this many accounts: ARS leaves every number it verifies in its account,
# and every create and step 2 answers the whole account, so fewer accounts would measure ever larger
# accounts as the run goes on (200 accounts: ~35 numbers each after 10 s, and ~35 % fewer
# verifications per second).
WRITE_ACCOUNTS=2000
usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --runs) RUNS=$2; shift ;;
    --duration) DURATION=$2; shift ;;
    --warmup) WARMUP=$2; shift ;;
    --build-dir) BUILD_DIR=$2; shift ;;
    --no-build) NO_BUILD=1 ;;
    --store-cache) STORE_CACHE=$2; shift ;;
    --scale-accounts) SCALE_ACCOUNTS=$2; shift ;;
    --only) ONLY=$2; shift ;;
    --out) OUT=$2; shift ;;
    --keep) KEEP=1 ;;
    --no-pg) ONLY=${ONLY//pg/} ;;
    -h|--help) usage ;;
    *) echo "run.sh: unknown option $1" >&2; usage ;;
  esac
  shift
done
if [ "$QUICK" = 1 ]; then
  RUNS=1; DURATION=2; WARMUP=0.5
  # A complete ARS verification on PostgreSQL at c=64 can take longer than the 2 s run (retries
  # under contention, see docs/benchmarks.md): fewer writers, so that every load completes cycles.
  PG_WRITE_CONC=16
  SCALE_ACCOUNTS=${SCALE_ACCOUNTS:-400}
fi
SCALE_ACCOUNTS=${SCALE_ACCOUNTS:-200000}
SMALL_ACCOUNTS=200   # × 5 numbers = the 1,000-number comparison store
NUMBERS_PER_ACCOUNT=5
want() { [[ ",$ONLY," == *",$1,"* ]]; }
log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }

# ---- build -----------------------------------------------------------------------------------
if [ "$NO_BUILD" = 0 ]; then
  log "building Release into $BUILD_DIR (SENDERID_BENCH=ON)"
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DSENDERID_BENCH=ON >/dev/null || exit 1
  cmake --build "$BUILD_DIR" -j"$(nproc)" --target senderid senderid-loadgen senderid-fill \
    senderid-micro >"$BUILD_DIR/bench-build.log" 2>&1 || { tail -30 "$BUILD_DIR/bench-build.log" >&2; exit 1; }
fi
BUILD_ABS=$(cd "$BUILD_DIR" 2>/dev/null && pwd) || { echo "run.sh: no build directory $BUILD_DIR" >&2; exit 1; }
SERVER=$BUILD_ABS/senderid
BIN_DIR=$BUILD_ABS/bench
LOADGEN=$BIN_DIR/senderid-loadgen; FILL=$BIN_DIR/senderid-fill; MICRO=$BIN_DIR/senderid-micro
for b in "$SERVER" "$LOADGEN" "$FILL" "$MICRO"; do
  [ -x "$b" ] || { echo "run.sh: $b missing (build with -DSENDERID_BENCH=ON)" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/senderid-bench.XXXXXX)
RESULTS=$WORK/results.jsonl
FAILED=0
SERVER_PID=""; SERVER2_PID=""; RECEIVER_PID=""
cleanup() {
  stop_server
  stop_server2
  stop_receiver
  [ -n "${PG_DATA:-}" ] && pg_throwaway_stop
  if [ "$KEEP" = 1 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- helpers ---------------------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ns() { date +%s%N; }
record() { printf '%s\n' "$1" >>"$RESULTS"; }
fail() { log "FAILED: $*"; FAILED=1; }

# start_server DATA_DIR [extra serve flags…]: sets SERVER_PID, PORT, START_MS.
start_server() {
  local data=$1; shift
  PORT=$(free_port)
  local t0; t0=$(now_ns)
  "$SERVER" serve --data "$data" --listen "127.0.0.1:$PORT" --no-access-log "$@" \
    >>"$data.server.log" 2>&1 &
  SERVER_PID=$!
  local ready
  if ! ready=$("$LOADGEN" --mode wait --port "$PORT" --since-ns "$t0" --timeout 60); then
    fail "server on $data did not start (log: $data.server.log)"; tail -5 "$data.server.log" >&2
    stop_server; return 1
  fi
  START_MS=$(sed -n 's/.*"ready_ms":\([0-9.]*\).*/\1/p' <<<"$ready")
}

stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
  fi
}

stop_server2() {
  if [ -n "$SERVER2_PID" ]; then
    kill -TERM "$SERVER2_PID" 2>/dev/null
    wait "$SERVER2_PID" 2>/dev/null
    SERVER2_PID=""
  fi
}

# The webhook receiver of scenario 7 (loadgen --mode receive) prints its counts when it stops.
stop_receiver() {
  if [ -n "$RECEIVER_PID" ]; then
    kill -TERM "$RECEIVER_PID" 2>/dev/null
    wait "$RECEIVER_PID" 2>/dev/null
    RECEIVER_PID=""
  fi
}

# Server CPU seconds so far (utime + stime of /proc/PID/stat).
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$SERVER_PID/stat" 2>/dev/null || echo 0; }
# CPU seconds of the server's SQLite writer thread (named sqlite-writer; 0 on PostgreSQL).
writer_cpu() {
  local comm; comm=$(grep -lx sqlite-writer /proc/"$SERVER_PID"/task/*/comm 2>/dev/null | head -1)
  [ -n "$comm" ] || { echo 0; return; }
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "${comm%/comm}/stat" 2>/dev/null || echo 0
}
# CPU seconds the whole machine spent in user and system mode so far (/proc/stat; interrupt and
# softirq time, where loopback TCP is processed, is left out: it is charged to no process).
machine_busy() { awk -v hz="$(getconf CLK_TCK)" '/^cpu /{print ($2+$3+$4) / hz}' /proc/stat; }
rss_mb() { awk -v k="$1:" '$1 == k {printf "%.1f", $2 / 1024}' "/proc/$SERVER_PID/status"; }

# load SCENARIO CASE RUN loadgen-args…: one load-generator run against $PORT, recorded with the CPU
# the server used and what the rest of the machine used meanwhile ("other_cores": other engineers'
# builds and tests would show here; run.sh warns about runs where it is high).
load() {
  local scenario=$1 case=$2 run=$3; shift 3
  local s0 b0 w0 out rc s1 b1 w1
  s0=$(server_cpu); b0=$(machine_busy); w0=$(writer_cpu)
  out=$("$LOADGEN" --port "$PORT" --duration "$DURATION" --warmup "$WARMUP" --label "$case" \
        --max-error-ratio 0.05 "$@" 2>>"$WORK/loadgen.err")
  rc=$?
  s1=$(server_cpu); b1=$(machine_busy); w1=$(writer_cpu)
  if [ -z "$out" ]; then fail "$scenario/$case: load generator produced nothing (rc $rc)"; tail -3 "$WORK/loadgen.err" >&2; return 1; fi
  [ $rc -ne 0 ] && fail "$scenario/$case run $run: load generator exit $rc"
  record "{\"scenario\":\"$scenario\",\"case\":\"$case\",\"run\":$run,\"rc\":$rc,\"server_cpu_s\":$(awk -v a="$s0" -v b="$s1" 'BEGIN{print b-a}'),\"machine_busy_s\":$(awk -v a="$b0" -v b="$b1" 'BEGIN{print b-a}'),\"writer_cpu_s\":$(awk -v a="$w0" -v b="$w1" 'BEGIN{print b-a}'),\"result\":$out}"
  return $rc
}

metric() {  # metric SCENARIO CASE RUN NAME VALUE
  record "{\"scenario\":\"$1\",\"case\":\"$2\",\"run\":$3,\"metric\":\"$4\",\"value\":$5}"
}

ARS_FLAGS=(--call-spacing 1ms --calls-per-account-number 1000000 --calls-per-account 1000000
           --calls-per-number 1000000)

# ---- meta --------------------------------------------------------------------------------------
# What was measured: the checkout's commit (+ a mark when src/ has uncommitted changes), or
# $SENDERID_BENCH_COMMIT when the binaries come from elsewhere (--no-build --build-dir).
if [ -n "${SENDERID_BENCH_COMMIT:-}" ]; then
  COMMIT=$SENDERID_BENCH_COMMIT
else
  COMMIT=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
  git diff --quiet HEAD -- src CMakeLists.txt 2>/dev/null || COMMIT="$COMMIT+uncommitted-src-changes"
fi
CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
# The disk under the work directory: latency of a 4 KB write + fdatasync, appending (as a growing
# file or WAL) and overwriting (as a recycled WAL), the cost every durable commit pays at least once.
DISK=$(python3 - "$WORK" <<'PY'
import os, sys, time
path = os.path.join(sys.argv[1], "fsync-probe")
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
def probe(offset_of):
    lat = []
    for i in range(300):
        os.pwrite(fd, b"x" * 4096, offset_of(i))
        t = time.perf_counter(); os.fdatasync(fd); lat.append((time.perf_counter() - t) * 1e3)
    lat.sort()
    return lat[len(lat) // 2], lat[int(len(lat) * 0.99)]
a50, a99 = probe(lambda i: i * 4096)
o50, o99 = probe(lambda i: (i % 16) * 4096)
os.close(fd); os.unlink(path)
print('{"append_p50_ms":%.3f,"append_p99_ms":%.3f,"overwrite_p50_ms":%.3f,"overwrite_p99_ms":%.3f}' % (a50, a99, o50, o99))
PY
)
[ -n "$DISK" ] || DISK='{}'
FS=$(df -T "$WORK" | awk 'NR==2 {print $1 " " $2}')
record "{\"meta\":{\"date\":\"$(date -u +%FT%TZ)\",\"commit\":\"$COMMIT\",\"nproc\":$(nproc),\"cpu\":\"$CPU_MODEL\",\"kernel\":\"$(uname -r)\",\"runs\":$RUNS,\"duration\":$DURATION,\"warmup\":$WARMUP,\"quick\":$QUICK,\"scale_accounts\":$SCALE_ACCOUNTS,\"small_accounts\":$SMALL_ACCOUNTS,\"numbers_per_account\":$NUMBERS_PER_ACCOUNT,\"read_conc\":\"$READ_CONC\",\"write_conc\":$WRITE_CONC,\"write_accounts\":$WRITE_ACCOUNTS,\"upload_conc\":$UPLOAD_CONC,\"scale_conc\":$SCALE_CONC,\"pg_read_conc\":$PG_READ_CONC,\"pg_write_conc\":$PG_WRITE_CONC,\"load_before\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"fs\":\"$FS\",\"disk\":$DISK}}"
log "work dir $WORK; commit $COMMIT; $RUNS run(s) × ${DURATION}s; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- 1. signed reads vs /healthz ---------------------------------------------------------------
if want read; then
  log "1. signed GET /active vs GET /healthz"
  d=$WORK/read
  if "$FILL" --data "$d" --accounts 1 --numbers-per-account "$NUMBERS_PER_ACCOUNT" \
       --credentials-out "$d.accounts.json" >/dev/null && start_server "$d"; then
    for run in $(seq "$RUNS"); do
      for c in $READ_CONC; do
        load read "healthz c=$c" "$run" --mode healthz -c "$c"
        load read "active c=$c" "$run" --mode active -c "$c" --accounts "$d.accounts.json"
      done
      # Open loop at half the signed endpoint's closed-loop throughput, with the most connections:
      # latency at a load the server sustains, timed from each request's scheduled start.
      c=${READ_CONC##* }
      rate=$(tail -1 "$RESULTS" | sed -n 's/.*"throughput":\([0-9]*\).*/\1/p')
      rate=$(( ${rate:-2000} / 200 * 100 )); [ "$rate" -ge 100 ] || rate=100
      load read "healthz c=$c open" "$run" --mode healthz -c "$c" --rate "$rate"
      load read "active c=$c open" "$run" --mode active -c "$c" --rate "$rate" --accounts "$d.accounts.json"
    done
    stop_server
  else
    fail "read: setup"
  fi
fi

# ---- 2. writes: create+delete, complete ARS verifications ----------------------------------------
if want write; then
  log "2. writes: POST+DELETE cycles and complete ARS verifications (durable commits)"
  for run in $(seq "$RUNS"); do
    d=$WORK/write-$run
    if "$FILL" --data "$d" --accounts "$WRITE_ACCOUNTS" --numbers-per-account 0 --limit 1000000 \
         --credentials-out "$d.accounts.json" >/dev/null && start_server "$d" "${ARS_FLAGS[@]}"; then
      load write "create-delete c=$WRITE_CONC" "$run" --mode create-delete -c "$WRITE_CONC" \
        --accounts "$d.accounts.json"
      load write "ars c=$WRITE_CONC" "$run" --mode ars -c "$WRITE_CONC" \
        --accounts "$d.accounts.json" --data "$d"
      stop_server
    else
      fail "write: setup"
    fi
    rm -rf "$d"
  done
fi

# ---- 3. scale: a large store against a 1,000-number store ---------------------------------------
# fill_store NAME ACCOUNTS DIR: fills DIR (or copies it from the cache) and records size and time.
fill_store() {
  local name=$1 accounts=$2 dir=$3 src=$3 fill_json
  if [ -n "$STORE_CACHE" ] && [ "$accounts" -ge 100000 ]; then
    # Keyed by the schema and the filler: a cached store from another version is not reused.
    local key
    key=$(cat src/store/sqlite/migrations.cc bench/fill.cc | sha1sum | cut -c1-10)
    src=$STORE_CACHE/store-${accounts}x$NUMBERS_PER_ACCOUNT-$key
    if [ ! -f "$src/fill.json" ] || [ ! -f "$src/senderid.db" ]; then
      log "   filling the cached store $src"
      rm -rf "$src"; mkdir -p "$STORE_CACHE"
      "$FILL" --data "$src" --accounts "$accounts" --numbers-per-account "$NUMBERS_PER_ACCOUNT" \
        --credentials-out "$src/accounts.json" --credentials-count 100 >"$src.fill.tmp" || return 1
      mv "$src.fill.tmp" "$src/fill.json"
    else
      log "   reusing the cached store $src"
    fi
    mkdir -p "$dir"
    cp "$src/senderid.db" "$src/master.key" "$src/accounts.json" "$src/fill.json" "$dir/" || return 1
  else
    "$FILL" --data "$dir" --accounts "$accounts" --numbers-per-account "$NUMBERS_PER_ACCOUNT" \
      --credentials-out "$dir/accounts.json" --credentials-count 100 >"$dir.fill.json" || return 1
    cp "$dir.fill.json" "$dir/fill.json"
  fi
  fill_json=$(cat "$dir/fill.json")
  metric scale "$name" 0 fill_s "$(sed -n 's/.*"total_s":\([0-9.]*\).*/\1/p' <<<"$fill_json")"
  metric scale "$name" 0 numbers "$(sed -n 's/.*"numbers":\([0-9]*\).*/\1/p' <<<"$fill_json")"
  metric scale "$name" 0 db_mb "$(du -sm --apparent-size "$dir/senderid.db" | cut -f1)"
}

if want scale; then
  log "3. scale: $((SCALE_ACCOUNTS * NUMBERS_PER_ACCOUNT)) numbers in $SCALE_ACCOUNTS accounts vs $((SMALL_ACCOUNTS * NUMBERS_PER_ACCOUNT)) numbers"
  stores=()
  for store in small large; do
    if [ $store = small ]; then accounts=$SMALL_ACCOUNTS; else accounts=$SCALE_ACCOUNTS; fi
    log "   $store store: $accounts accounts × $NUMBERS_PER_ACCOUNT numbers"
    if fill_store "$store" "$accounts" "$WORK/scale-$store"; then stores+=("$store")
    else fail "scale: filling the $store store"; fi
  done
  # Runs alternate between the stores, so that a machine busier at one moment hurts both alike.
  for run in $(seq "$RUNS"); do
    for store in "${stores[@]}"; do
      d=$WORK/scale-$store
      # The page cache is warm (the store was just written or copied): this is a restart's time.
      start_server "$d" || continue
      metric scale "$store" "$run" start_ms "$START_MS"
      load scale "$store get-numbers" "$run" --mode get-numbers -c "$SCALE_CONC" --accounts "$d/accounts.json"
      load scale "$store active" "$run" --mode active -c "$SCALE_CONC" --accounts "$d/accounts.json"
      load scale "$store create-delete" "$run" --mode create-delete -c "$SCALE_CONC" \
        --accounts "$d/accounts.json" --number-offset $((run * 1000000))
      metric scale "$store" "$run" rss_mb "$(rss_mb VmRSS)"
      metric scale "$store" "$run" hwm_mb "$(rss_mb VmHWM)"
      stop_server
    done
  done
  for store in "${stores[@]}"; do rm -rf "$WORK/scale-$store"; done
fi

# ---- 4. uploads ----------------------------------------------------------------------------------
if want upload; then
  log "4. 700 KB document uploads"
  for run in $(seq "$RUNS"); do
    d=$WORK/upload-$run
    if "$FILL" --data "$d" --accounts 1 --numbers-per-account 0 \
         --credentials-out "$d.accounts.json" >/dev/null && start_server "$d"; then
      load upload "upload c=$UPLOAD_CONC" "$run" --mode upload -c "$UPLOAD_CONC" --accounts "$d.accounts.json"
      stop_server
    else
      fail "upload: setup"
    fi
    rm -rf "$d"
  done
fi

# ---- 6. PostgreSQL (SPEC §11) beside SQLite, one and two instances ---------------------------------
# Per run, alternating: the same three loads on SQLite, on PostgreSQL with one instance, and on
# PostgreSQL with two instances on one database (two load generators at once, c/2 connections
# each, one per instance; their throughputs add up). A throwaway PostgreSQL 15 on a Unix socket,
# durable (fsync and synchronous_commit on, its defaults), fresh databases per run. Everything —
# both servers, PostgreSQL and the load generators — shares this machine's cores.
# load2 SCENARIO CASE RUN loadgen-args…: one load generator per instance ($PORT, $PORT2), each
# with half the connections, at the same time; records both ("part" 1 and 2) with both servers' CPU.
load2() {
  local scenario=$1 case=$2 run=$3; shift 3
  local s0 b0 s1 b1 rc1 rc2 out1 out2
  s0=$(awk -v hz="$(getconf CLK_TCK)" '{s += ($14 + $15) / hz} END {print s}' "/proc/$SERVER_PID/stat" "/proc/$SERVER2_PID/stat")
  b0=$(machine_busy)
  "$LOADGEN" --port "$PORT" --duration "$DURATION" --warmup "$WARMUP" --label "$case" \
    --max-error-ratio 0.05 --number-offset "${PG_NUMBER_OFFSET:-0}" "$@" >"$WORK/load2.1" 2>>"$WORK/loadgen.err" &
  local p1=$!
  # Numbers 10^6 into each connection's slice (loadgen.cc: slices of 10^8 / c), away from the
  # first one's.
  "$LOADGEN" --port "$PORT2" --duration "$DURATION" --warmup "$WARMUP" --label "$case" \
    --max-error-ratio 0.05 --number-offset $((${PG_NUMBER_OFFSET:-0} + 1000000)) "$@" >"$WORK/load2.2" 2>>"$WORK/loadgen.err"
  rc2=$?
  wait "$p1"; rc1=$?
  s1=$(awk -v hz="$(getconf CLK_TCK)" '{s += ($14 + $15) / hz} END {print s}' "/proc/$SERVER_PID/stat" "/proc/$SERVER2_PID/stat")
  b1=$(machine_busy)
  out1=$(cat "$WORK/load2.1"); out2=$(cat "$WORK/load2.2")
  if [ -z "$out1" ] || [ -z "$out2" ]; then fail "$scenario/$case: load generator produced nothing"; tail -3 "$WORK/loadgen.err" >&2; return 1; fi
  [ $rc1 -ne 0 ] || [ $rc2 -ne 0 ] && fail "$scenario/$case run $run: load generator exit $rc1/$rc2"
  local cpu; cpu=$(awk -v a="$s0" -v b="$s1" 'BEGIN{print b-a}')
  local busy; busy=$(awk -v a="$b0" -v b="$b1" 'BEGIN{print b-a}')
  record "{\"scenario\":\"$scenario\",\"case\":\"$case\",\"run\":$run,\"part\":1,\"rc\":$rc1,\"server_cpu_s\":$cpu,\"machine_busy_s\":$busy,\"result\":$out1}"
  record "{\"scenario\":\"$scenario\",\"case\":\"$case\",\"run\":$run,\"part\":2,\"rc\":$rc2,\"server_cpu_s\":0,\"machine_busy_s\":0,\"result\":$out2}"
}

# CPU seconds of the PostgreSQL server's processes so far (the postmaster and its children).
pg_cpu() {
  local pids; pids=$(pgrep -d' ' -P "$(head -1 "$PG_DATA/postmaster.pid")"; head -1 "$PG_DATA/postmaster.pid")
  local p; for p in $pids; do cat "/proc/$p/stat" 2>/dev/null; done |
    awk -v hz="$(getconf CLK_TCK)" '{s += ($14 + $15) / hz} END {printf "%.2f", s}'
}

if want pg; then
  log "6. PostgreSQL beside SQLite: signed reads, creates, ARS verifications; one vs two instances"
  # shellcheck source=../scripts/pg_throwaway.sh
  . "$ROOT/scripts/pg_throwaway.sh"
  if pg_throwaway_start; then
    log "   $("$PG_BIN/postgres" --version)"
    for run in $(seq "$RUNS"); do
      for store in sqlite pg1 pg2; do
        d=$WORK/pg-$store-$run
        metric pg "$store" "$run" loadavg "$(cut -d' ' -f1 /proc/loadavg)"
        db_args=()
        if [ "$store" != sqlite ]; then
          pg_throwaway_createdb "bench_${store}_$run" || { fail "pg: createdb"; continue; }
          db_args=(--db "$(pg_throwaway_url "bench_${store}_$run")" --master-key-file "$d/master.key")
        fi
        # 2,000 fresh accounts for the writes (as in 2.) and one with 5 numbers for the reads (as
        # in 1.), in one store: each load touches its own accounts only.
        "$FILL" --data "$d" "${db_args[@]:0:2}" --accounts "$WRITE_ACCOUNTS" --numbers-per-account 0 \
          --limit 1000000 --credentials-out "$d.accounts.json" >/dev/null &&
        "$FILL" --data "$d" "${db_args[@]:0:2}" --accounts 1 --numbers-per-account "$NUMBERS_PER_ACCOUNT" \
          --credentials-out "$d.read.json" >/dev/null || { fail "pg: fill $store"; continue; }
        # Statistics for the planner now, as autovacuum would within a minute of a bulk load (without
        # them a generic plan may seq-scan sender_id_logs for every account read).
        [ "$store" != sqlite ] && "$PG_BIN/psql" -X -q "${db_args[1]}" -c ANALYZE
        cases=("active c=$PG_READ_CONC" "create-delete c=$PG_WRITE_CONC" "ars c=$PG_WRITE_CONC")
        # The ARS loads number from 2·10^6 into each connection's slice: the create-delete load that
        # ran before on the same accounts leaves its last cycles' numbers behind (cut off before
        # their DELETE), and a slow store runs few cycles, so ARS would meet them again (409).
        ars_offset=2000000
        if [ "$store" = sqlite ]; then
          start_server "$d" "${ARS_FLAGS[@]}" || continue
          load pg "sqlite ${cases[0]}" "$run" --mode active -c "$PG_READ_CONC" --accounts "$d.read.json"
          load pg "sqlite ${cases[1]}" "$run" --mode create-delete -c "$PG_WRITE_CONC" --accounts "$d.accounts.json"
          load pg "sqlite ${cases[2]}" "$run" --mode ars -c "$PG_WRITE_CONC" --accounts "$d.accounts.json" --data "$d" \
            --number-offset "$ars_offset"
          stop_server
        else
          g0=$(pg_cpu)
          start_server "$d" "${db_args[@]}" "${ARS_FLAGS[@]}" || continue
          if [ "$store" = pg1 ]; then
            load pg "$store ${cases[0]}" "$run" --mode active -c "$PG_READ_CONC" --accounts "$d.read.json"
            load pg "$store ${cases[1]}" "$run" --mode create-delete -c "$PG_WRITE_CONC" --accounts "$d.accounts.json"
            load pg "$store ${cases[2]}" "$run" --mode ars -c "$PG_WRITE_CONC" --accounts "$d.accounts.json" --data "$d" \
              --number-offset "$ars_offset"
          else
            first_pid=$SERVER_PID; first_port=$PORT
            start_server "$d" "${db_args[@]}" "${ARS_FLAGS[@]}" || { SERVER_PID=$first_pid; continue; }
            SERVER2_PID=$SERVER_PID; PORT2=$PORT; SERVER_PID=$first_pid; PORT=$first_port
            load2 pg "$store ${cases[0]}" "$run" --mode active -c $((PG_READ_CONC / 2)) --accounts "$d.read.json"
            load2 pg "$store ${cases[1]}" "$run" --mode create-delete -c $((PG_WRITE_CONC / 2)) --accounts "$d.accounts.json"
            PG_NUMBER_OFFSET=$ars_offset load2 pg "$store ${cases[2]}" "$run" --mode ars -c $((PG_WRITE_CONC / 2)) \
              --accounts "$d.accounts.json" --data "$d"
          fi
          # Before the servers stop: their backends' CPU goes with them.
          metric pg "$store" "$run" pg_cpu_s "$(awk -v a="$g0" -v b="$(pg_cpu)" 'BEGIN{print b-a}')"
          stop_server2
          stop_server
        fi
        rm -rf "$d"
      done
    done
    pg_throwaway_stop
  else
    fail "pg: could not start PostgreSQL"
  fi
fi

# ---- 7. webhooks (SPEC §12): what events cost the API, and how fast they are delivered ------------
# Per run, alternating: the create-delete load of 2. on a store without webhooks and on one where every
# account has one ENABLED webhook for every event type, pointed at a fast receiver on loopback
# (loadgen --mode receive: 204 at once, keep-alive). Then, with no more load, the backlog the run
# left is drained: deliveries per second is the SUCCEEDED count's growth over that drain, read from
# the database (the server's own records), until nothing is PENDING (at most 120 s).
# `webhook` measures the SQLite store, `webhook-pg` the same on one instance over a throwaway
# PostgreSQL 15 (its cases and metrics are prefixed "pg ").
WEBHOOK_STORES=()
want webhook && WEBHOOK_STORES+=(sqlite)
if want webhook-pg; then
  # shellcheck source=../scripts/pg_throwaway.sh
  . "$ROOT/scripts/pg_throwaway.sh"
  if pg_throwaway_start; then WEBHOOK_STORES+=(pg); else fail "webhook-pg: could not start PostgreSQL"; fi
fi
if [ ${#WEBHOOK_STORES[@]} -gt 0 ]; then
  log "7. webhooks (${WEBHOOK_STORES[*]}): creates with a webhook on every account vs none; delivery throughput"
  for run in $(seq "$RUNS"); do
    for store in "${WEBHOOK_STORES[@]}"; do
    for variant in none webhook; do
      d=$WORK/webhook-$store-$variant-$run
      fill_args=(); serve_args=(); db_args=(); prefix=""
      if [ "$store" = pg ]; then
        prefix="pg "
        pg_throwaway_createdb "bench_webhook_${variant}_$run" || { fail "webhook-pg: createdb"; continue; }
        db_args=(--db "$(pg_throwaway_url "bench_webhook_${variant}_$run")" --master-key-file "$d/master.key")
        # One snapshot per call, like sqlite3 below: the worker goes on meanwhile.
        query() { "$PG_BIN/psql" -X -q -At -F ' ' "${db_args[1]}" -c "$1"; }
      else
        query() { sqlite3 -readonly -separator ' ' "$d/senderid.db" "$1"; }
      fi
      if [ "$variant" = webhook ]; then
        rport=$(free_port)
        "$LOADGEN" --mode receive --port "$rport" >"$d.receiver.json" 2>>"$WORK/loadgen.err" &
        RECEIVER_PID=$!
        fill_args=(--webhook-url "http://127.0.0.1:$rport/hook")
        serve_args=(--webhook-allow-private)
      fi
      if "$FILL" --data "$d" "${db_args[@]:0:2}" --accounts "$WRITE_ACCOUNTS" --numbers-per-account 0 \
           --limit 1000000 "${fill_args[@]}" --credentials-out "$d.accounts.json" >/dev/null &&
         { [ "$store" != pg ] || "$PG_BIN/psql" -X -q "${db_args[1]}" -c ANALYZE; } &&
         start_server "$d" "${db_args[@]}" "${serve_args[@]}"; then
        load webhook "${prefix}$variant create-delete c=$WRITE_CONC" "$run" --mode create-delete -c "$WRITE_CONC" \
          --accounts "$d.accounts.json"
        if [ "$variant" = webhook ]; then
          count() { query "SELECT count(*) FROM deliveries WHERE status = '$1'"; }
          read -r backlog delivered < <(query \
            "SELECT count(*) FILTER (WHERE status = 'PENDING'), count(*) FILTER (WHERE status = 'SUCCEEDED') FROM deliveries")
          t0=$(now_ns)
          deadline=$((t0 + 120000000000)); pending=$backlog
          while [ "${pending:-0}" -gt 0 ] && [ "$(now_ns)" -lt "$deadline" ]; do
            sleep 0.1; pending=$(count PENDING)
          done
          t1=$(now_ns); drained=$(( $(count SUCCEEDED) - delivered ))
          metric webhook "${prefix}webhook" "$run" backlog "$backlog"
          metric webhook "${prefix}webhook" "$run" delivered_during_load "$delivered"
          metric webhook "${prefix}webhook" "$run" drain_s "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print (b-a)/1e9}')"
          metric webhook "${prefix}webhook" "$run" drained "$drained"
          metric webhook "${prefix}webhook" "$run" failed "$(count FAILED)"
          metric webhook "${prefix}webhook" "$run" left_pending "${pending:-0}"
          [ "${pending:-0}" -gt 0 ] && fail "webhook ($store) run $run: $pending deliveries still pending after 120 s"
        fi
        stop_server
      else
        fail "webhook: setup ($store, $variant)"
      fi
      if [ "$variant" = webhook ]; then
        stop_receiver
        received=$(sed -n 's/.*"received":\([0-9]*\).*/\1/p' "$d.receiver.json")
        metric webhook "${prefix}webhook" "$run" received "${received:-0}"
      fi
      rm -rf "$d"
    done
    done
  done
  [[ " ${WEBHOOK_STORES[*]} " == *" pg "* ]] && pg_throwaway_stop
fi

# ---- 5. micro-benchmarks -------------------------------------------------------------------------
if want micro; then
  log "5. micro-benchmarks (Google Benchmark)"
  if [ "$QUICK" = 1 ]; then micro_args=(--benchmark_min_time=0.01); else micro_args=(--benchmark_repetitions="$RUNS"); fi
  "$MICRO" "${micro_args[@]}" --benchmark_format=json --benchmark_out="$WORK/micro.json" \
    --benchmark_out_format=json >/dev/null 2>>"$WORK/micro.err" || fail "micro-benchmarks"
fi

record "{\"meta_end\":{\"load_after\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}}"
python3 "$ROOT/bench/report.py" "$RESULTS" "$WORK/micro.json" | tee "${OUT:-/dev/null}"
[ "${PIPESTATUS[0]}" = 0 ] || fail "report"
[ -n "$OUT" ] && cp "$RESULTS" "${OUT%.md}.jsonl"
if [ "$FAILED" != 0 ]; then log "some scenarios failed (see above)"; exit 1; fi
exit 0
