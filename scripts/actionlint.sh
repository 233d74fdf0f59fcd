#!/usr/bin/env bash
# Prints the path of actionlint, the GitHub Actions workflow linter that scripts/lint.sh runs
# over .github/workflows. Uses one on PATH; else builds the pinned version once from the Go
# module proxy into the cache (DOCKWIRE_CACHE, default ~/.cache/dockwire) and reuses it.
set -euo pipefail

VERSION=v1.7.12
BIN=${DOCKWIRE_CACHE:-$HOME/.cache/dockwire}/tools/actionlint-$VERSION

if command -v actionlint >/dev/null 2>&1; then
  command -v actionlint
  exit 0
fi
if [ ! -x "$BIN/actionlint" ]; then
  command -v go >/dev/null 2>&1 || [ -x /usr/local/go/bin/go ] || {
    echo "actionlint.sh: error: go is needed to build actionlint $VERSION (scripts/toolchain.sh needs it too)" >&2
    exit 1
  }
  PATH=$PATH:/usr/local/go/bin
  echo "actionlint.sh: building github.com/rhysd/actionlint $VERSION into $BIN (once)" >&2
  mkdir -p "$BIN"
  GOBIN=$BIN go install "github.com/rhysd/actionlint/cmd/actionlint@$VERSION" >&2
fi
echo "$BIN/actionlint"
