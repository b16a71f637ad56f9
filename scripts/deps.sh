#!/usr/bin/env bash
# Installs the Debian 12 packages senderid needs to build, run and test — only those missing, so a
# machine that has them all does not touch apt at all. Extra packages named as arguments (e.g. the
# fuzzers' clang-19) are installed with them.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates
  libboost-dev nlohmann-json3-dev libsqlite3-dev libssl-dev libsodium-dev libcurl4-openssl-dev
  libcli11-dev libspdlog-dev libfmt-dev libtomlplusplus-dev zlib1g-dev
  libpq-dev postgresql-15 prometheus-cpp-dev libgoogle-perftools-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-pytest python3-pytest-xdist python3-jsonschema curl sqlite3 procps
  chromium chromium-driver python3-selenium fonts-noto-cjk prometheus
  nodejs php-cli  # tests/api/test_readme_snippets.py runs the README's Node and PHP snippets
  "$@"
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# Debian's `prometheus` is there for `promtool check metrics` only: its postinst would start a
# Prometheus server listening on every interface. A policy-rc.d that refuses (exit 101) keeps any
# service from starting during this install; it is removed afterwards, and one the machine already
# had is left alone.
policy=/usr/sbin/policy-rc.d
own_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod 755 "$policy"
  own_policy=1
  trap '$sudo rm -f "$policy"' EXIT
fi
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if [ -n "$own_policy" ]; then
  $sudo rm -f "$policy"
  trap - EXIT
fi
# Nor at the next boot: the package enables its unit.
if [[ " ${missing[*]} " == *" prometheus "* ]] && command -v systemctl >/dev/null; then
  $sudo systemctl disable prometheus >/dev/null 2>&1 || true
fi
