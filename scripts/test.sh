#!/usr/bin/env bash
# dockwire's test command (`npm test`): brings up what the tests stand on, then runs every layer.
#
#   1. npm dependencies (npm ci, skipped when node_modules matches package-lock.json)
#   2. host tools the integration tests use (scripts/host-tools.sh), then a Docker daemon (scripts/daemon.sh: DOCKER_HOST if it answers, else a private dockerd)
#   3. the offline images (scripts/images.sh, cached by recipe hash)
#   4. the Pulumi toolchain (scripts/toolchain.sh, built once from the Go module proxy, cached)
#   5. lint (scripts/lint.sh: eslint, prettier --check, shellcheck), then test/unit,
#      test/components, test/integration with ava; each layer runs even if an earlier one
#      failed, and any failing layer fails the run.
#
# Pass layer names to run only some: `npm test -- unit components`.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

step() { printf '\n=== %s\n' "$*" >&2; }

step "dependencies"
bash scripts/deps.sh || exit 1

step "host tools"
bash scripts/host-tools.sh || exit 1

step "docker daemon"
DOCKER_HOST=$(bash scripts/daemon.sh up) || exit 1
export DOCKER_HOST
echo "DOCKER_HOST=$DOCKER_HOST" >&2

step "offline images"
bash scripts/images.sh || exit 1

step "pulumi toolchain"
eval "$(bash scripts/toolchain.sh env)" || exit 1

step "build"
npm run --silent build || exit 1

daemon_objects() { # networks, containers (any state), volumes and images on the test daemon, one per line
  { docker network ls --format 'network {{.Name}}'; docker ps -a --format 'container {{.Names}} ({{.State}})'
    docker volume ls --format 'volume {{.Name}}'; docker image ls -a --format 'image {{.ID}} {{.Repository}}:{{.Tag}}'; } | sort
}
objects_before=$(daemon_objects)
# No test may modify the work tree (tracked files, or untracked files outside .gitignore).
tree_before=$(git status --porcelain 2>/dev/null || true)

layers=("$@")
[ ${#layers[@]} -gt 0 ] || layers=(lint unit components integration)

passed=0 failed=0 skipped=0 status=0
engine_ran=0 engine_skipped=0 engine_why=""
for layer in "${layers[@]}"; do
  if [ "$layer" = lint ]; then
    # Static checks count as one check: eslint, prettier and shellcheck (scripts/lint.sh).
    step "layer: lint"
    if bash scripts/lint.sh; then passed=$((passed + 1)); else echo "layer lint FAILED" >&2; failed=$((failed + 1)); status=1; fi
    continue
  fi
  files=$(find "dist/test/$layer" -name '*.test.js' 2>/dev/null | sort)
  if [ -z "$files" ]; then
    echo "layer $layer has no tests" >&2
    status=1
    continue
  fi
  step "layer: $layer"
  extra=()
  # Integration tests share one daemon and one host: run them one file at a time.
  [ "$layer" = integration ] && extra=(--concurrency 1 --serial)
  log=$(mktemp)
  # shellcheck disable=SC2086
  npx ava "${extra[@]}" $files 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  # ava (verbose) prints one line per test: ✔ passed, ✘ failed, "- [skip]" skipped.
  p=$(grep -cE '^ +✔ ' "$log" || true)
  f=$(grep -cE '^ +✘ ' "$log" || true)
  s=$(grep -cE '^ +- \[skip\] ' "$log" || true)
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  # Tests titled "engine: ..." run through the real engine and name the toolchain pieces they need (test/integration/lib/engine.ts).
  engine_ran=$((engine_ran + $(grep -cE '^ +✔ .*engine: ' "$log" || true) + $(grep -cE '^ +✘ .*engine: ' "$log" || true)))
  engine_skipped=$((engine_skipped + $(grep -cE '^ +- \[skip\] .*engine: ' "$log" || true)))
  engine_why+=$'\n'$(grep -E '^ +- \[skip\] .*engine: ' "$log" | grep -oE 'needs pulumi[a-z0-9-]*(, pulumi[a-z0-9-]*)*' | grep -oE 'pulumi[a-z0-9-]*' || true)
  if [ "$rc" -ne 0 ]; then
    echo "layer $layer FAILED (ava exit $rc)" >&2
    [ "$f" -gt 0 ] || failed=$((failed + 1))
    status=1
  fi
  rm -f "$log"
done

step "daemon after the tests"
left=$(comm -13 <(echo "$objects_before") <(daemon_objects))
if [ -n "$left" ]; then
  echo "the tests left these on the daemon ($DOCKER_HOST):" >&2
  while IFS= read -r line; do echo "  $line"; done <<<"$left" >&2
  status=1
else
  echo "no networks, containers or volumes left on $DOCKER_HOST" >&2
fi

step "work tree after the tests"
tree_after=$(git status --porcelain 2>/dev/null || true)
if [ "$tree_before" != "$tree_after" ]; then
  echo "the tests changed the work tree (git status --porcelain before and after):" >&2
  diff <(echo "$tree_before") <(echo "$tree_after") | sed 's/^/  /' >&2
  status=1
else
  echo "git status --porcelain is as it was before the tests" >&2
fi

echo
echo "engine tests (the real Pulumi engine): $engine_ran ran, $engine_skipped skipped"
if [ "$engine_skipped" -gt 0 ]; then
  echo "  skipped: between them they need $(echo "$engine_why" | sed '/^$/d' | sort -u | paste -sd, - | sed 's/,/, /g'), which scripts/toolchain.sh could not provide here:"
  bash scripts/toolchain.sh status | sed 's/^/    /'
fi
echo "dockwire: $passed passed, $failed failed, $skipped skipped"
exit $status
