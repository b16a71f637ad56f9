#!/usr/bin/env bash
# The Debian package (SPEC §14), as CI checks it: builds senderid_<version>_amd64.deb with
# `cpack -G DEB` from the Release build, checks it with lintian (no errors), installs it with
# dpkg -i, runs the installed `senderid --version`, verifies the systemd unit (systemd-analyze
# verify: systemd itself need not run here), and starts the installed binary once as the package's
# user with the installed configuration on a temporary data directory, until /healthz answers, then
# stops it with SIGTERM (setpriv execs the server: no wrapper process between it and the signal).
# The package is purged again at the end (--keep leaves it installed).
set -euo pipefail
cd "$(dirname "$0")/.."
keep=0; [ "${1:-}" = --keep ] && keep=1
scripts/deps.sh lintian dpkg-dev systemd
scripts/build.sh
rm -f build/senderid_*.deb
(cd build && cpack -G DEB) >build/cpack.log 2>&1 || { cat build/cpack.log >&2; echo "package.sh: cpack failed" >&2; exit 1; }
deb=$(echo build/senderid_*_amd64.deb)
[ -f "$deb" ] || { echo "package.sh: no .deb built" >&2; exit 1; }
echo "== $deb" >&2
dpkg-deb --field "$deb" >&2
echo "== lintian" >&2
lintian --fail-on error "$deb" >&2 ||
  { echo "package.sh: lintian reported errors" >&2; exit 1; }
echo "== dpkg -i" >&2
dpkg -i "$deb" >/dev/null
cleanup() {
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [ -n "${data:-}" ] && rm -rf "$data"
  [ "$keep" = 1 ] || dpkg --purge senderid >/dev/null
}
trap cleanup EXIT
/usr/bin/senderid --version
echo "== systemd-analyze verify" >&2
systemd-analyze verify /usr/lib/systemd/system/senderid.service
echo "== the installed binary, as user senderid, with /etc/senderid/senderid.toml" >&2
data=$(mktemp -d); chown senderid:senderid "$data"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
setpriv --reuid senderid --regid senderid --init-groups /usr/bin/senderid serve --config /etc/senderid/senderid.toml \
  --data "$data" --listen "127.0.0.1:$port" >"$data.log" 2>&1 &
pid=$!
for _ in $(seq 300); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null ||
  { echo "package.sh: the installed server did not answer /healthz" >&2; cat "$data.log" >&2; exit 1; }
kill -TERM "$pid"; wait "$pid" || { echo "package.sh: the installed server did not stop cleanly" >&2; exit 1; }
pid=""
rm -f "$data.log"
echo "package: ok ($deb)" >&2
