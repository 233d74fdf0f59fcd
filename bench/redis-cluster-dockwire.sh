#!/usr/bin/env bash
# The dockwire side of the Redis Cluster comparison: seed 002's cluster as the
# stacks/redis-cluster program through the real engine, end to end, with the pulumi CLI and
# the dynamic-provider launcher only (no docker or command plugin):
#
#   bash bench/redis-cluster-dockwire.sh     # from bench/run.sh, with the toolchain env set
#
#   up       `pulumi up --yes --skip-preview` in stacks/redis-cluster (what `npm run up` runs
#            through the Automation API): network, six volumes, six containers, the cluster
#            script (create, then wait until every node reports cluster_state:ok)
#   then, with the cluster standing (timed, not in the total):
#            no-op `pulumi preview` and no-op `pulumi up` in the stack folder (the user's path),
#            and the same through stacks/run.ts's inline path (the Automation API running
#            the program in its own process: what `npm run up` does where the Node.js
#            language host is missing; forced here by leaving the language host out of
#            DOCKWIRE_TOOLCHAIN for those two runs)
#   destroy  `pulumi destroy --yes --skip-preview` in the stack folder
#   floor    the engine's own floor, in .dockwire/bench-floor: an empty Node.js program (no
#            resources, no plugins) previewed, updated (no-op) and destroyed from its folder;
#            nothing a Pulumi program does can take less (not in the total)
#
# Without the Node.js language host, up and destroy run through run.js inline and the
# folder rows and the floor are not printed. The stack is REDIS_BENCH_STACK (default
# `bench`, in the local backend of scripts/toolchain.sh env), created before and removed
# after each run, so a `dev` stack of `npm run up` is never touched. Refuses to start on a
# busy daemon, like redis-cluster-by-hand.sh; destroy always runs once up was started (trap).
#
# REDIS_BENCH_TRACE=DIR: the engine's own log (-v=9, JSON lines with timestamps) of the
# folder up, the no-op preview, the destroy and the floor's preview and up go to
# DIR/OP.log, for bench/lib/enginelog.ts (where the time goes); the logging slows the runs,
# so the bench times a traced run only for that breakdown.
# stdout: `phase up|noop-preview-folder|noop-up-folder|noop-preview-inline|noop-up-inline|destroy|floor-preview|floor-up|floor-destroy SECONDS`,
# `total SECONDS` (up + destroy), `state ...`.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "redis-cluster-dockwire.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }
now() { echo "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
LOCK=${TMPDIR:-/tmp}/dockwire-redis-bench.lock
STACK=${REDIS_BENCH_STACK:-bench}
TRACE=${REDIS_BENCH_TRACE:-}
DIR=stacks/redis-cluster

command -v pulumi >/dev/null 2>&1 || die "pulumi is not on PATH (eval \"\$(bash scripts/toolchain.sh env)\")"
[ -f dist/stacks/run.js ] || die "dist/stacks/run.js is not built (npm run build)"
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
vols=$(timeout 60 docker volume ls --format '{{.Name}}' | grep -E '^redis-[0-9]+-data$' || true)
[ -z "$vols" ] || die "volumes named redis-N-data already exist on the daemon: ${vols//$'\n'/ }"

folder=0
case " ${DOCKWIRE_TOOLCHAIN:-} " in *" pulumi-language-nodejs "*) folder=1 ;; esac
# The toolchain without the language host: run.js then runs the program inline.
inline_toolchain=$(tr ' ' '\n' <<<"${DOCKWIRE_TOOLCHAIN:-}" | grep -vx 'pulumi-language-nodejs' | tr '\n' ' ' || true)

# pulumi in the stack folder; with REDIS_BENCH_TRACE, the engine's log of OP goes to DIR/OP.log.
in_stack() {
  local op=$1; shift
  if [ -n "$TRACE" ]; then
    (cd "$DIR" && timeout 300 pulumi "$@" --stack "$STACK" --non-interactive --logtostderr --logflow -v=9 2>"$TRACE/$op.log")
  else
    (cd "$DIR" && timeout 300 pulumi "$@" --stack "$STACK" --non-interactive)
  fi
}
run_js() { DOCKWIRE_STACK=$STACK timeout 300 node dist/stacks/run.js "$@"; }
run_inline() { DOCKWIRE_STACK=$STACK DOCKWIRE_TOOLCHAIN=$inline_toolchain timeout 300 node dist/stacks/run.js "$@"; }

# untimed: the bench stack, new
if [ "$folder" = 1 ]; then
  (cd "$DIR" && pulumi stack select --create "$STACK" --non-interactive >/dev/null 2>&1) || die "pulumi stack select --create $STACK failed in $DIR"
fi

started=0
destroyed=0
destroy_s=
destroy() {
  [ "$started" = 1 ] && [ "$destroyed" = 0 ] || return 0
  destroyed=1
  local t; t=$(now)
  if [ "$folder" = 1 ]; then
    in_stack destroy destroy --yes --skip-preview >&2 || say "destroy failed: run \`cd $DIR && pulumi destroy --stack $STACK\`"
  else
    run_js destroy redis-cluster >&2 || say "destroy failed: run \`DOCKWIRE_STACK=$STACK npm run down\`"
  fi
  destroy_s=$(elapsed "$t")
  echo "phase destroy $destroy_s"
  # untimed: the stack itself (its state is empty now)
  if [ "$folder" = 1 ]; then (cd "$DIR" && pulumi stack rm --yes --stack "$STACK" --non-interactive >/dev/null 2>&1) || true; fi
  rm -f ".dockwire/inline/redis-cluster/Pulumi.$STACK.yaml" # run.js's copy of the stack's config
}
# shellcheck disable=SC2154 # rc is assigned inside the trap string itself
trap 'rc=$?; destroy; exit $rc' EXIT
trap 'exit 130' INT TERM

t=$(now)
started=1
if [ "$folder" = 1 ]; then
  in_stack up up --yes --skip-preview >/dev/null || die "pulumi up of stacks/redis-cluster failed"
  up_s=$(elapsed "$t")
  state=$( (cd "$DIR" && pulumi stack output clusterState --stack "$STACK" 2>/dev/null) || true)
else
  out=$(run_js up redis-cluster) || { echo "$out" >&2; die "pulumi up of stacks/redis-cluster failed"; }
  up_s=$(elapsed "$t")
  state=$(sed -n 's/^clusterState: "\(.*\)"$/\1/p' <<<"$out")
fi
echo "phase up $up_s"
[ "$state" = cluster_state:ok ] || die "the stack came up but its clusterState output is ${state:-empty}, not cluster_state:ok"

if [ "$folder" = 1 ]; then
  t=$(now)
  in_stack noop-preview preview --expect-no-changes >/dev/null || die "the no-op pulumi preview in $DIR failed (or found changes)"
  echo "phase noop-preview-folder $(elapsed "$t")"
  if [ -z "$TRACE" ]; then
    t=$(now)
    in_stack noop-up up --yes --skip-preview --expect-no-changes >/dev/null || die "the no-op pulumi up in $DIR failed (or made changes)"
    echo "phase noop-up-folder $(elapsed "$t")"
  fi
fi
if [ -z "$TRACE" ]; then
  for op in preview up; do
    t=$(now)
    run_inline "$op" redis-cluster >/dev/null 2>&1 || die "the no-op $op through run.js (inline) failed"
    echo "phase noop-$op-inline $(elapsed "$t")"
  done
fi
destroy

if [ "$folder" = 1 ]; then
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
      [ -z "$TRACE" ] || [ "$op" = destroy ] || args+=(--logtostderr --logflow -v=9)
      t=$(now)
      if [ -n "$TRACE" ] && [ "$op" != destroy ]; then
        timeout 120 pulumi "$op" "${args[@]}" >/dev/null 2>"$TRACE/floor-$op.log" || die "pulumi $op of the empty program failed"
      else
        timeout 120 pulumi "$op" "${args[@]}" >/dev/null || die "pulumi $op of the empty program failed"
      fi
      echo "phase floor-$op $(elapsed "$t")"
    done
  )
fi
echo "total $(awk -v a="$up_s" -v b="$destroy_s" 'BEGIN { printf "%.3f", a + b }')"
echo "state cluster_state:ok"
