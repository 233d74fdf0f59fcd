#!/usr/bin/env bash
# npm dependencies, installed exactly from package-lock.json; skipped when node_modules
# already matches it. Install scripts are skipped: the only one (@pulumi/command's) tries
# to download a plugin, which dockwire's toolchain provides instead.
set -euo pipefail
cd "$(dirname "$0")/.."
want=$(sha256sum package-lock.json | cut -c1-16)
stamp=node_modules/.dockwire-lock-hash
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "deps.sh: node_modules matches package-lock.json" >&2
  exit 0
fi
start=$SECONDS
npm ci --ignore-scripts --no-audit --no-fund >&2
echo "$want" >"$stamp"
echo "deps.sh: installed in $((SECONDS - start)) s" >&2
