#!/usr/bin/env bash
# The dockwire side of the Redis Cluster comparison: seed 002's cluster as the
# stacks/redis-cluster program, through the real engine (stacks/run.ts), end to end:
# `up` (network, six containers, cluster create, wait for cluster_state:ok), then `destroy`.
#
#   bash bench/redis-cluster-dockwire.sh     # from bench/run.sh, with the toolchain env set
#
# Needs the pulumi-resource-docker and pulumi-resource-command plugins (run.ts refuses
# without them). Refuses to start on a busy daemon, like redis-cluster-by-hand.sh; destroy
# always runs once `up` was started (trap). Stack: DOCKWIRE_STACK (default dev, the one
# `npm run up` uses; the guard below makes sure it is not up).
# Between the two, with the cluster standing: a no-op `preview` and a no-op `up` through
# run.js (what `npm run` does), and a no-op `pulumi preview` in the stack folder (the user's
# own path); timed, not counted in the total, which is up + destroy as in the hand script.
# After the destroy, the engine's own floor: an empty Node.js program (no resources, no
# provider plugins) in .dockwire/bench-floor, previewed, updated (no-op) and destroyed from
# its folder; nothing a Pulumi program does can take less (not counted in the total).
# stdout: `phase up SECONDS`, `phase noop-preview SECONDS`, `phase noop-up SECONDS`,
# `phase noop-preview-folder SECONDS`, `phase destroy SECONDS`,
# `phase floor-preview SECONDS`, `phase floor-up SECONDS`, `phase floor-destroy SECONDS`,
# `total SECONDS`, `state ...`.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "redis-cluster-dockwire.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }
now() { echo "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
LOCK=${TMPDIR:-/tmp}/dockwire-redis-bench.lock

timeout 10 docker version >/dev/null 2>&1 || die "no Docker daemon answers at ${DOCKER_HOST:-the default socket}"
exec 9>"$LOCK"
flock -n 9 || die "another redis bench run holds $LOCK"
if [ "${REDIS_BENCH_FORCE:-0}" != 1 ]; then
  busy=$(pgrep -af 'dist/test/integration|scripts/test\.sh' || true)
  [ -z "$busy" ] || die "dockwire tests are running on this machine and share the daemon; run the bench when they are done:
$busy"
fi
if timeout 60 docker network inspect redis >/dev/null 2>&1; then
  die "a network named redis already exists on the daemon (is the stack up? \`npm run down\`): remove it and run again"
fi
existing=$(timeout 60 docker ps -a --format '{{.Names}}' | grep -E '^redis-[0-9]+$' || true)
[ -z "$existing" ] || die "containers named redis-N already exist on the daemon: ${existing//$'\n'/ }"

started=0
destroyed=0
destroy() {
  [ "$started" = 1 ] && [ "$destroyed" = 0 ] || return 0
  destroyed=1
  local t; t=$(now)
  timeout 300 node dist/stacks/run.js destroy redis-cluster >&2 || say "destroy failed: run \`npm run down\`"
  destroy_s=$(elapsed "$t")
  echo "phase destroy $destroy_s"
}
# shellcheck disable=SC2154 # rc is assigned inside the trap string itself
trap 'rc=$?; destroy; exit $rc' EXIT
trap 'exit 130' INT TERM

t=$(now)
started=1
out=$(timeout 300 node dist/stacks/run.js up redis-cluster) || { echo "$out" >&2; die "pulumi up of stacks/redis-cluster failed"; }
up_s=$(elapsed "$t")
echo "phase up $up_s"
grep -q 'cluster_state:ok' <<<"$out" || { echo "$out" >&2; die "the stack came up but its clusterState output is not cluster_state:ok"; }
for op in preview up; do
  t=$(now)
  timeout 300 node dist/stacks/run.js "$op" redis-cluster >/dev/null || die "the no-op $op of the standing cluster failed"
  echo "phase noop-$op $(elapsed "$t")"
done
# The user's own path: `pulumi preview` in the stack folder, no npm, no Automation API.
t=$(now)
(cd stacks/redis-cluster && timeout 300 pulumi preview --stack "${DOCKWIRE_STACK:-dev}" --non-interactive --expect-no-changes >/dev/null) ||
  die "the no-op pulumi preview in stacks/redis-cluster failed"
echo "phase noop-preview-folder $(elapsed "$t")"
destroy

floor=.dockwire/bench-floor
mkdir -p "$floor"
printf 'name: bench-floor\nruntime: nodejs\nmain: index.js\n' >"$floor/Pulumi.yaml"
printf '"use strict";\nmodule.exports = {};\n' >"$floor/index.js"
(
  cd "$floor"
  pulumi stack select --create bench-floor --non-interactive >/dev/null 2>&1
  # untimed: the stack's root resource, so the timed up below is a no-op
  timeout 120 pulumi up --yes --skip-preview --non-interactive >/dev/null
  for op in preview up destroy; do
    args=(--non-interactive)
    [ "$op" = preview ] || args+=(--yes --skip-preview)
    t=$(now)
    timeout 120 pulumi "$op" "${args[@]}" >/dev/null || die "pulumi $op of the empty program failed"
    echo "phase floor-$op $(elapsed "$t")"
  done
)
echo "total $(awk -v a="$up_s" -v b="$destroy_s" 'BEGIN { printf "%.3f", a + b }')"
echo "state cluster_state:ok"
