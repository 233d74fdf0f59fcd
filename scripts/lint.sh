#!/usr/bin/env bash
# dockwire's static checks (`npm run lint`; also the first layer of `npm test`):
#   1. eslint with typescript-eslint's type-aware rules (eslint.config.mjs)
#   2. prettier --check of every TypeScript, JavaScript and JSON file (.prettierrc.json)
#   3. shellcheck of every shell script of the project: the ones the package ships
#      (provider/sh/), scripts/, bench/ and .ci/run
#   4. actionlint of the GitHub Actions workflows (.github/workflows; scripts/actionlint.sh
#      builds the pinned version once), with shellcheck over their run: steps
#   5. gofmt and go vet of the Go program scripts/sdkgen
# Each runs even if an earlier one failed; any failure fails the run, naming the check.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

status=0
check() { # NAME CMD...: runs CMD, reports NAME ok or FAILED
  local name=$1; shift
  if "$@"; then echo "lint.sh: $name ok" >&2; else echo "lint.sh: $name FAILED" >&2; status=1; fi
}

check eslint npx --no-install eslint --max-warnings 0 .
check prettier npx --no-install prettier --check --log-level warn "**/*.{ts,mjs,json}"
shells=(provider/sh/*.sh provider/plugin/pulumi-resource-dockwire scripts/*.sh bench/*.sh .ci/run)
if command -v shellcheck >/dev/null 2>&1; then
  check shellcheck shellcheck "${shells[@]}"
else
  echo "lint.sh: shellcheck is not installed (scripts/host-tools.sh installs it): FAILED" >&2
  status=1
fi
if al=$(bash scripts/actionlint.sh); then
  check actionlint "$al" -shellcheck "$(command -v shellcheck || true)" .github/workflows/*.yml
else
  echo "lint.sh: actionlint could not be found or built: FAILED" >&2
  status=1
fi
# gofmt and go vet of scripts/sdkgen, the SDK generator scripts/toolchain.sh builds (vet
# compiles it; its modules come from the Go module proxy, cached by the toolchain build).
if command -v go >/dev/null 2>&1; then
  unformatted=$(gofmt -l scripts/sdkgen)
  check gofmt test -z "$unformatted"
  [ -z "$unformatted" ] || echo "$unformatted" >&2
  check go-vet env -C scripts/sdkgen GOFLAGS='' GOWORK=off go vet -mod=readonly ./...
else
  echo "lint.sh: go is not installed (the toolchain build needs it too): FAILED" >&2
  status=1
fi
exit $status
