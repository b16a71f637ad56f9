#!/usr/bin/env bash
# Validates the OpenAPI documents (docs/openapi/*.json, SPEC §14) against the OpenAPI 3.1 schema
# with npm's @seriousme/openapi-schema-validator (structure, and every $ref resolves). It is
# installed once into a cache outside the repo (SENDERID_TOOLS_CACHE, default ~/.cache/senderid-tools);
# npm comes from Debian when the machine has none. Why this validator and not @redocly/cli: Redocly
# CLI 2.x needs Node.js >= 20.19, Debian 12's nodejs is 18.19; this one runs on 18 and weighs 5 MB.
# What Redocly's recommended rules add beyond the schema (examples valid against their schemas,
# unique operationIds) is checked by tests/api/test_openapi.py with python3-jsonschema.
set -euo pipefail
cd "$(dirname "$0")/.."

version=2.11.0
cache="${SENDERID_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/senderid-tools}/openapi-schema-validator-$version"
bin="$cache/node_modules/.bin/validate-api"
if [ ! -x "$bin" ]; then
  # Only when there is no npm at all: a NodeSource nodejs brings its own and must not meet Debian's.
  command -v npm >/dev/null || scripts/deps.sh npm
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-audit --no-fund --loglevel=error \
    "@seriousme/openapi-schema-validator@$version" >&2
fi

status=0
for doc in docs/openapi/*.json; do
  if out=$("$bin" "$doc" 2>&1); then
    echo "openapi: $doc valid" >&2
  else
    echo "openapi: $doc INVALID" >&2
    echo "$out" >&2
    status=1
  fi
done
exit $status
