#!/usr/bin/env bash
# dockwire's main job (`npm run up`): brings up the redis-cluster example stack on a local
# Docker daemon with a local state backend, and prints the cluster state.
#
#   bash scripts/main.sh up [STACK]        # default STACK: redis-cluster
#   bash scripts/main.sh preview [STACK]
#   bash scripts/main.sh down [STACK]      # destroys the stack (the daemon keeps running;
#                                          # `bash scripts/daemon.sh down` stops it)
set -euo pipefail
cd "$(dirname "$0")/.."
op=${1:-up}; stack=${2:-redis-cluster}
case "$op" in up|preview) ;; down) op=destroy ;; *) echo "usage: $0 up|preview|down [STACK]" >&2; exit 2 ;; esac

bash scripts/deps.sh
DOCKER_HOST=$(bash scripts/daemon.sh up)
export DOCKER_HOST
bash scripts/images.sh
eval "$(bash scripts/toolchain.sh env)"
npm run --silent build
exec node dist/stacks/run.js "$op" "$stack"
