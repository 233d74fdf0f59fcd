#!/usr/bin/env bash
# Seed 002's Redis Cluster by hand, as plain docker commands, end to end:
#
#   DOCKER_HOST=... bash bench/redis-cluster-by-hand.sh
#
#   1. docker network create redis --subnet 172.38.0.0/16
#   2. for N in 1..6: write node N's redis.conf (the seed's, as
#      stacks/redis-cluster/cluster-plan.ts nodeConf writes it, plus `protected-mode no`,
#      the default of the seed's official redis image), then
#      docker run -d --name redis-N -p 637N:6379 -p 1637N:16379 --net redis --ip 172.38.0.1N
#        -v .../node-N/data:/data -v .../node-N/conf/redis.conf:/etc/redis/redis.conf
#        IMAGE redis-server /etc/redis/redis.conf
#   3. wait (bounded) until every node answers PING
#   4. redis-cli --cluster create 172.38.0.11:6379 ... 172.38.0.16:6379 --cluster-replicas 1 --cluster-yes
#   5. wait (bounded) until CLUSTER INFO says cluster_state:ok on every node (right after
#      the create, a node that has not heard the others yet still answers CLUSTERDOWN)
#   6. tear down: the six containers, the network, the node directories
#
# It shares the daemon: it refuses to start when a network named redis or containers named
# redis-N exist already, or when dockwire's integration tests are running on this machine
# (REDIS_BENCH_FORCE=1 skips that last check). Every wait is bounded, and teardown always
# runs (trap), removing only what this run created.
#
# stdout: `phase NAME SECONDS` lines (network, containers, ping, create, ok, teardown), then
# `total SECONDS` and `state cluster_state:ok`. Diagnostics go to stderr.
# Env: DOCKWIRE_APP_IMAGE (default dockwire/app:local), REDIS_BENCH_WAIT (seconds per wait, default 60).
set -euo pipefail

IMAGE=${DOCKWIRE_APP_IMAGE:-dockwire/app:local}
NET=redis
SUBNET=172.38.0.0/16
NODES=(1 2 3 4 5 6)
WAIT=${REDIS_BENCH_WAIT:-60}
LOCK=${TMPDIR:-/tmp}/dockwire-redis-bench.lock

say() { echo "redis-cluster-by-hand.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }
now() { echo "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
d() { timeout 60 docker "$@"; } # every docker command bounded

# --- refuse to start on a busy daemon (nothing created yet, so no trap) -----------------
command -v docker >/dev/null 2>&1 || die "the docker CLI is not installed"
case "${DOCKER_HOST:-unix://}" in
  unix://*) ;;
  *) die "DOCKER_HOST=$DOCKER_HOST is not a local socket: the seed's procedure bind-mounts each node's redis.conf from this machine" ;;
esac
timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
  die "no Docker daemon answers at ${DOCKER_HOST:-the default socket} (export DOCKER_HOST=\$(bash scripts/daemon.sh up))"
exec 9>"$LOCK"
flock -n 9 || die "another run of this script holds $LOCK"
if [ "${REDIS_BENCH_FORCE:-0}" != 1 ]; then
  busy=$(pgrep -af 'dist/test/integration|scripts/test\.sh' | grep -v "^$$ " || true)
  [ -z "$busy" ] || die "dockwire tests are running on this machine and share the daemon; run the bench when they are done (REDIS_BENCH_FORCE=1 to skip this check):
$busy"
fi
if d network inspect "$NET" >/dev/null 2>&1; then
  die "a network named $NET already exists on the daemon (another run, a test, or \`npm run up\`): remove it (\`npm run down\` or \`docker network rm $NET\`) and run again"
fi
existing=$(d ps -a --format '{{.Names}}' | grep -E '^redis-[0-9]+$' || true)
[ -z "$existing" ] || die "containers named redis-N already exist on the daemon: ${existing//$'\n'/ }; remove them and run again"
d image inspect "$IMAGE" >/dev/null 2>&1 || die "image $IMAGE is missing: bash scripts/images.sh builds it"
if command -v ss >/dev/null 2>&1; then
  for n in "${NODES[@]}"; do
    for p in "637$n" "1637$n"; do
      if ss -Hltn "sport = :$p" | grep -q .; then die "host port $p is in use: the seed publishes 637N and 1637N"; fi
    done
  done
fi

# --- from here on, everything created is torn down on any exit ----------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dockwire-redis-hand.XXXXXX")
created_net=0
created=()
torn=0
teardown() {
  [ "$torn" = 0 ] || return 0
  torn=1
  local t; t=$(now)
  if [ ${#created[@]} -gt 0 ]; then d rm -f -v "${created[@]}" >/dev/null 2>&1 || say "could not remove containers ${created[*]}"; fi
  if [ "$created_net" = 1 ]; then d network rm "$NET" >/dev/null 2>&1 || say "could not remove network $NET"; fi
  rm -rf "$WORK" || say "could not remove $WORK"
  echo "phase teardown $(elapsed "$t")"
}
# shellcheck disable=SC2154 # rc is assigned inside the trap string itself
trap 'rc=$?; teardown; exit $rc' EXIT
trap 'exit 130' INT TERM

T0=$(now)
t=$(now)
d network create "$NET" --subnet "$SUBNET" >/dev/null
created_net=1
echo "phase network $(elapsed "$t")"

t=$(now)
for n in "${NODES[@]}"; do
  mkdir -p "$WORK/node-$n/conf" "$WORK/node-$n/data"
  # The seed's redis.conf, plus `protected-mode no`: the seed's official redis image is built
  # with that default, Debian's redis-server (dockwire/app:local) is not, and without it
  # every node refuses the other nodes' and redis-cli's connections (DENIED ... protected mode).
  cat >"$WORK/node-$n/conf/redis.conf" <<EOF
port 6379
bind 0.0.0.0
cluster-enabled yes
cluster-config-file nodes.conf
cluster-node-timeout 5000
cluster-announce-ip 172.38.0.1$n
cluster-announce-port 6379
cluster-announce-bus-port 16379
appendonly yes
protected-mode no
EOF
  # -w /data: the official redis image's working directory, where the seed's nodes.conf
  # and appendonly file go (dockwire/app:local has none of its own).
  created+=("redis-$n")
  d run -d --name "redis-$n" -p "637$n:6379" -p "1637$n:16379" \
    -v "$WORK/node-$n/data:/data" -v "$WORK/node-$n/conf/redis.conf:/etc/redis/redis.conf" -w /data \
    --net "$NET" --ip "172.38.0.1$n" "$IMAGE" redis-server /etc/redis/redis.conf >/dev/null
done
echo "phase containers $(elapsed "$t")"

t=$(now)
for n in "${NODES[@]}"; do
  deadline=$((SECONDS + WAIT))
  until [ "$(timeout 5 docker exec "redis-$n" redis-cli ping 2>/dev/null | tr -d '\r')" = PONG ]; do
    [ $SECONDS -lt $deadline ] || die "redis-$n did not answer PING within $WAIT s"
    sleep 0.1
  done
done
echo "phase ping $(elapsed "$t")"

t=$(now)
addrs=()
for n in "${NODES[@]}"; do addrs+=("172.38.0.1$n:6379"); done
timeout 120 docker exec redis-1 redis-cli --cluster create "${addrs[@]}" --cluster-replicas 1 --cluster-yes >"$WORK/create.log" 2>&1 ||
  { cat "$WORK/create.log" >&2; die "redis-cli --cluster create failed"; }
echo "phase create $(elapsed "$t")"

t=$(now)
for n in "${NODES[@]}"; do
  deadline=$((SECONDS + WAIT))
  until timeout 5 docker exec "redis-$n" redis-cli cluster info 2>/dev/null | tr -d '\r' | grep -q '^cluster_state:ok$'; do
    [ $SECONDS -lt $deadline ] || die "redis-$n did not reach cluster_state:ok within $WAIT s"
    sleep 0.1
  done
done
echo "phase ok $(elapsed "$t")"
info=$(timeout 5 docker exec redis-1 redis-cli cluster info | tr -d '\r')
known=$(grep '^cluster_known_nodes:' <<<"$info" | cut -d: -f2)
slots=$(grep '^cluster_slots_assigned:' <<<"$info" | cut -d: -f2)
{ [ "$known" = 6 ] && [ "$slots" = 16384 ]; } || die "cluster formed wrongly: known nodes $known, slots assigned $slots"

teardown
echo "total $(elapsed "$T0")"
echo "state cluster_state:ok known_nodes:$known slots_assigned:$slots"
