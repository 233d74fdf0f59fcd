#!/usr/bin/env bash
# dockwire's main job (`npm run up`): brings up the redis-cluster example stack on a local
# Docker daemon with a local state backend, and prints the cluster state.
#
#   bash scripts/main.sh up [STACK]        # default STACK: redis-cluster
#   bash scripts/main.sh preview [STACK]   # `npm run preview -- STACK`: the pull-request view,
#                                          # Pulumi's diff and the address plan (scripts/pr-preview.sh)
#                                          # of the deployed stack against the folder's program
#   bash scripts/main.sh refresh [STACK]
#   bash scripts/main.sh down [STACK]      # destroys the stack (the daemon keeps running;
#                                          # `bash scripts/daemon.sh down` stops it)
#   eval "$(bash scripts/main.sh env)"     # the same daemon, toolchain and backend in your
#                                          # shell, for `cd stacks/STACK && pulumi up`
# Nothing here writes into the work tree outside the gitignored .dockwire/ and dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
op=${1:-up}; stack=${2:-redis-cluster}
case "$op" in up|preview|refresh|env) ;; down) op=destroy ;; *) echo "usage: $0 up|preview|refresh|down|env [STACK]" >&2; exit 2 ;; esac

bash scripts/deps.sh
DOCKER_HOST=$(bash scripts/daemon.sh up)
export DOCKER_HOST
bash scripts/images.sh
toolchain_env=$(bash scripts/toolchain.sh env)
eval "$toolchain_env"
npm run --silent build
if [ "$op" = preview ]; then
  exec bash scripts/pr-preview.sh "$stack" "$PWD/.dockwire/preview/$stack"
fi
if [ "$op" = env ]; then
  printf 'export DOCKER_HOST=%q\n' "$DOCKER_HOST"
  echo "$toolchain_env"
  exit 0
fi
exec node dist/stacks/run.js "$op" "$stack"
