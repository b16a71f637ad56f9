# A throwaway PostgreSQL 15 for tests and benchmarks (sourced by scripts/test.sh and bench/run.sh).
#
#   pg_throwaway_start [setting …]   start one; sets PG_DIR (its directory, also the Unix socket's),
#                                    PG_DATA, PG_LOG, PG_OPTS (postgres options, for a restart by
#                                    `pg_ctl -o "$PG_OPTS" start`) and PG_SERVER_URL (a libpq URI of
#                                    database `postgres`); settings are `name=value` for postgres -c
#   pg_throwaway_url DB              prints the URI of database DB on it
#   pg_throwaway_createdb DB         creates database DB
#   pg_throwaway_stop                `pg_ctl -m immediate stop`, then removes the directory
#
# The server listens on a Unix socket only (listen_addresses=''), in a `mktemp -d` directory, and
# trusts local connections (nothing else can reach it). As root, initdb and pg_ctl run as user
# postgres (runuser); as anyone else, as that user. The caller sets a trap that calls
# pg_throwaway_stop, so that the server goes also when the script fails.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_throwaway_start() {
  PG_DIR=$(mktemp -d /tmp/senderid-pg.XXXXXX)
  PG_DATA=$PG_DIR/data
  PG_LOG=$PG_DIR/server.log
  [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR"
  chmod 700 "$PG_DIR"
  _pg_as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --no-locale \
    >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  local opts="-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -c max_connections=300"
  local s
  for s in "$@"; do opts="$opts -c $s"; done
  _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 -o "$opts" start >/dev/null ||
    { cat "$PG_LOG" >&2; return 1; }
  PG_SERVER_URL=$(pg_throwaway_url postgres)
  PG_OPTS=$opts
  export PG_DIR PG_DATA PG_LOG PG_OPTS PG_SERVER_URL
}

pg_throwaway_url() { echo "postgresql:///$1?host=$PG_DIR&user=postgres"; }

pg_throwaway_createdb() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$PG_SERVER_URL" -c "CREATE DATABASE \"$1\"" >/dev/null
}

pg_throwaway_stop() {
  [ -n "${PG_DATA:-}" ] || return 0
  [ -f "$PG_DATA/postmaster.pid" ] &&
    _pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$PG_DIR"
  PG_DATA=""
}
