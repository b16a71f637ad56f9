#!/usr/bin/env bash
# Sets up and starts senderid on its embedded store in ./data, listening on 127.0.0.1:8080.
# On first run it creates a demo account and keeps its credentials in ./data/demo-account.json.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh >/dev/null
bin="$PWD/build/senderid"
data="${SENDERID_DATA:-$PWD/data}"
mkdir -p "$data"
if [ ! -s "$data/demo-account.json" ]; then
  (umask 077 && "$bin" accounts create --data "$data" --name demo >"$data/demo-account.json")
fi
field() { sed -n "s/.*\"$1\":\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p" "$data/demo-account.json"; }
key=$(field apiKey)
secret=$(field apiSecret)
cat <<MSG
senderid demo account (kept in $data/demo-account.json):
  accountId: $(field accountId)
  apiKey:    $key
  apiSecret: $secret

Try, in another terminal:
  curl -s -H "\$(build/senderid sign --key $key --secret $secret)" \\
       -d '{"phoneNumber":"01012345678"}' http://127.0.0.1:8080/senderid/v1/numbers
  curl -s -H "\$(build/senderid sign --key $key --secret $secret)" http://127.0.0.1:8080/senderid/v1/numbers

MSG
exec "$bin" serve --data "$data" --listen "${SENDERID_LISTEN:-127.0.0.1:8080}"
