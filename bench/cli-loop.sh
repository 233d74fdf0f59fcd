#!/usr/bin/env bash
# The docker CLI side of the engine-scale rows: what the engine child does, as a shell loop
# of docker commands, one object per command, timed:
#
#   DOCKER_HOST=... bash bench/cli-loop.sh networks N     # N bridge networks, then removed
#   DOCKER_HOST=... bash bench/cli-loop.sh containers N   # one network, N containers on it, then removed
#
# networks:   for i: docker network create --driver bridge --subnet 10.200.I.0/24 --gateway 10.200.I.1 dwcli-PID-I
#             then for i: docker network rm dwcli-PID-I
# containers: docker network create --subnet 10.202.0.0/24 dwcli-PID; for i: docker run -d --name dwcli-PID-c-I
#             --network dwcli-PID --ip 10.202.0.(10+I) IMAGE sleep 3600;
#             then for i: docker rm -f dwcli-PID-c-I; docker network rm dwcli-PID
#
# The same names, subnets, addresses and image as bench/engine.child.ts (its prefix is
# dwbench-PID), except the containers' network: 10.202.0.0/24 instead of the engine
# child's 10.200.0.0/24, so that a network one side could not remove does not stop the other.
# Every docker command is bounded (timeout 60); whatever this run created is
# removed on any exit (trap). N is at most 200.
# stdout: `phase up SECONDS`, `phase destroy SECONDS`, `total SECONDS`.
# Env: DOCKWIRE_BUSYBOX_IMAGE (default dockwire/busybox:local).
set -euo pipefail

kind=${1:-}
n=${2:-}
case "$kind" in networks | containers) ;; *) echo "usage: $0 networks|containers N" >&2; exit 2 ;; esac
if ! [[ "$n" =~ ^[0-9]+$ ]] || [ "$n" -lt 1 ] || [ "$n" -gt 200 ]; then echo "$0: N must be 1..200" >&2; exit 2; fi
IMAGE=${DOCKWIRE_BUSYBOX_IMAGE:-dockwire/busybox:local}
prefix="dwcli-$$"

say() { echo "cli-loop.sh: $*" >&2; }
now() { echo "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
d() { timeout 60 docker "$@"; }
subnet() { echo "10.$((200 + ($1 >> 8 & 1))).$(($1 & 255))"; }

timeout 10 docker version >/dev/null 2>&1 || { say "no Docker daemon answers at ${DOCKER_HOST:-the default socket}"; exit 1; }

nets=()
ctrs=()
cleanup() {
  # Only what this run made and did not remove yet (the timed teardown empties both lists).
  if [ ${#ctrs[@]} -gt 0 ]; then d rm -f "${ctrs[@]}" >/dev/null 2>&1 || say "could not remove ${ctrs[*]}"; fi
  if [ ${#nets[@]} -gt 0 ]; then d network rm "${nets[@]}" >/dev/null 2>&1 || say "could not remove ${nets[*]}"; fi
  ctrs=()
  nets=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

T0=$(now)
if [ "$kind" = networks ]; then
  for ((i = 0; i < n; i++)); do
    p=$(subnet "$i")
    nets+=("$prefix-$i")
    d network create --driver bridge --subnet "$p.0/24" --gateway "$p.1" "$prefix-$i" >/dev/null
  done
  up_s=$(elapsed "$T0")
  t=$(now)
  for ((i = 0; i < n; i++)); do d network rm "$prefix-$i" >/dev/null; done
  nets=()
else
  nets+=("$prefix")
  d network create --driver bridge --subnet 10.202.0.0/24 --gateway 10.202.0.1 "$prefix" >/dev/null
  for ((i = 0; i < n; i++)); do
    ctrs+=("$prefix-c-$i")
    d run -d --name "$prefix-c-$i" --network "$prefix" --ip "10.202.0.$((10 + i))" "$IMAGE" sleep 3600 >/dev/null
  done
  up_s=$(elapsed "$T0")
  t=$(now)
  for ((i = 0; i < n; i++)); do d rm -f "$prefix-c-$i" >/dev/null; done
  ctrs=()
  d network rm "$prefix" >/dev/null
  nets=()
fi
destroy_s=$(elapsed "$t")
echo "phase up $up_s"
echo "phase destroy $destroy_s"
echo "total $(awk -v a="$up_s" -v b="$destroy_s" 'BEGIN { printf "%.3f", a + b }')"
