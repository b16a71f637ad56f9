#!/usr/bin/env bash
# Installs the Debian 12 packages senderid needs to build, run and test — only those missing, so a
# machine that has them all does not touch apt at all. Extra packages named as arguments (e.g. the
# fuzzers' clang-19) are installed with them.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates
  libboost-dev nlohmann-json3-dev libsqlite3-dev libssl-dev libsodium-dev libcurl4-openssl-dev
  libcli11-dev libspdlog-dev libfmt-dev libtomlplusplus-dev
  libpq-dev postgresql-15
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-pytest python3-pytest-xdist python3-jsonschema curl sqlite3 procps
  chromium chromium-driver python3-selenium fonts-noto-cjk
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
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
