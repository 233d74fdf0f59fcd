#!/usr/bin/env bash
# The Docker Compose side of the Redis Cluster comparison: seed 002's cluster as a compose
# file (Debian's docker-compose 1.29), the same objects as the stacks/redis-cluster program,
# end to end:
#
#   DOCKER_HOST=... bash bench/redis-cluster-compose.sh     # from bench/run.sh
#
#   untimed: writes the compose file and each node's redis.conf into a temporary folder, and
#            the cluster script; both from the built stack (dist/stacks/redis-cluster:
#            planCluster's nodeConf and clusterCreateScript), so they are the stack's own
#   1. docker-compose up -d: network redis 172.38.0.0/16, volumes redis-N-data, containers
#      redis-N at 172.38.0.1N publishing 637N:6379 and 1637N:16379, redis.conf bind-mounted
#      read-only (Compose has no uploads), stop_grace_period 10s (the stack's stopGraceSeconds)
#   2. docker exec redis-1 sh -c SCRIPT: the stack's ContainerExec script (waits until every
#      node answers PING, redis-cli --cluster create, waits until every node reports
#      cluster_state:ok)
#   3. docker-compose down -v: containers, network and volumes
#
# Refuses to start on a busy daemon like the other two scripts (a network redis, containers
# redis-N or volumes redis-N-data exist, or dockwire's tests are running); `down -v` always
# runs once `up` was started (trap), and the temporary folder is removed.
# stdout: `phase up SECONDS` (1), `phase cluster SECONDS` (2), `phase teardown SECONDS` (3),
# `total SECONDS`, `state ...`. Env: DOCKWIRE_APP_IMAGE (default dockwire/app:local).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${DOCKWIRE_APP_IMAGE:-dockwire/app:local}
LOCK=${TMPDIR:-/tmp}/dockwire-redis-bench.lock
PROJECT=dwbench-compose

say() { echo "redis-cluster-compose.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }
now() { echo "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

command -v docker-compose >/dev/null 2>&1 || die "docker-compose is not installed (bench/run.sh installs Debian's)"
[ -f dist/stacks/redis-cluster/program.js ] || die "dist/stacks/redis-cluster is not built (npm run build)"
timeout 10 docker version >/dev/null 2>&1 || die "no Docker daemon answers at ${DOCKER_HOST:-the default socket}"
exec 9>"$LOCK"
flock -n 9 || die "another redis bench run holds $LOCK"
if [ "${REDIS_BENCH_FORCE:-0}" != 1 ]; then
  busy=$(pgrep -af 'dist/test/integration|scripts/test\.sh' || true)
  [ -z "$busy" ] || die "dockwire tests are running on this machine and share the daemon; run the bench when they are done:
$busy"
fi
if timeout 60 docker network inspect redis >/dev/null 2>&1; then die "a network named redis already exists on the daemon"; fi
existing=$(timeout 60 docker ps -a --format '{{.Names}}' | grep -E '^redis-[0-9]+$' || true)
[ -z "$existing" ] || die "containers named redis-N already exist on the daemon: ${existing//$'\n'/ }"
vols=$(timeout 60 docker volume ls --format '{{.Name}}' | grep -E '^redis-[0-9]+-data$' || true)
[ -z "$vols" ] || die "volumes named redis-N-data already exist on the daemon: ${vols//$'\n'/ }"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/dockwire-redis-compose.XXXXXX")
started=0
torn=0
teardown_s=
teardown() {
  [ "$torn" = 0 ] || return 0
  torn=1
  if [ "$started" = 1 ]; then
    local t; t=$(now)
    timeout 120 docker-compose -p "$PROJECT" -f "$WORK/docker-compose.yml" down -v >/dev/null 2>&1 || say "docker-compose down -v failed"
    teardown_s=$(elapsed "$t")
    echo "phase teardown $teardown_s"
  fi
  rm -rf "$WORK"
}
# shellcheck disable=SC2154 # rc is assigned inside the trap string itself
trap 'rc=$?; teardown; exit $rc' EXIT
trap 'exit 130' INT TERM

# The stack's own node plan, redis.conf and cluster script (untimed).
# shellcheck disable=SC2016 # the single-quoted text is JavaScript, with its own template literals
WORK="$WORK" IMAGE="$IMAGE" node -e '
const fs = require("node:fs");
const { SEED_CLUSTER, planCluster } = require("./dist/stacks/redis-cluster/cluster-plan.js");
const { clusterCreateScript } = require("./dist/stacks/redis-cluster/program.js");
const w = process.env.WORK;
const cfg = { ...SEED_CLUSTER, image: process.env.IMAGE };
const nodes = planCluster(cfg);
const y = ["version: \"2.4\"", "networks:", "  redis:", "    name: " + cfg.networkName, "    driver: bridge",
  "    ipam:", "      config:", "        - subnet: " + cfg.subnet, "volumes:"];
for (const n of nodes) y.push(`  ${n.name}-data:`, `    name: ${n.name}-data`);
y.push("services:");
for (const n of nodes) {
  fs.writeFileSync(`${w}/${n.name}.conf`, n.conf);
  y.push(`  ${n.name}:`, `    image: ${cfg.image}`, `    container_name: ${n.name}`,
    "    command: [\"redis-server\", \"/etc/redis/redis.conf\"]",
    `    ports: ["${n.clientPort}:6379", "${n.busPort}:16379"]`,
    "    volumes:", `      - ${n.name}-data:/data`, `      - ./${n.name}.conf:/etc/redis/redis.conf:ro`,
    "    networks:", "      redis:", `        ipv4_address: ${n.address}`, "    stop_grace_period: 10s");
}
fs.writeFileSync(`${w}/docker-compose.yml`, y.join("\n") + "\n");
fs.writeFileSync(`${w}/cluster.sh`, clusterCreateScript(nodes, cfg.replicas) + "\n");
' || die "could not write the compose file from dist/stacks/redis-cluster"
script=$(cat "$WORK/cluster.sh")

T0=$(now)
started=1
timeout 300 docker-compose -p "$PROJECT" -f "$WORK/docker-compose.yml" up -d >"$WORK/up.log" 2>&1 ||
  { cat "$WORK/up.log" >&2; die "docker-compose up -d failed"; }
up_s=$(elapsed "$T0")
echo "phase up $up_s"
t=$(now)
state=$(timeout 180 docker exec redis-1 sh -c "$script" 2>"$WORK/cluster.log") ||
  { cat "$WORK/cluster.log" >&2; die "the cluster script failed in redis-1"; }
echo "phase cluster $(elapsed "$t")"
total_up=$(elapsed "$T0")
[ "$(tr -d '\r' <<<"$state")" = cluster_state:ok ] || die "the cluster script printed ${state:-nothing}, not cluster_state:ok"
teardown
echo "total $(awk -v a="$total_up" -v b="$teardown_s" 'BEGIN { printf "%.3f", a + b }')"
echo "state cluster_state:ok"
