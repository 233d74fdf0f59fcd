#!/usr/bin/env bash
# dockwire's bench suite, one command: `npm run bench`
# (or `bash bench/run.sh [plan] [mocks] [redis] [networks] [containers] [where]`).
#
#   1. npm dependencies, the Docker daemon and images (for the daemon benches), Debian's
#      docker-compose when it is missing (the Compose side of the Redis Cluster bench), and
#      the Pulumi toolchain env (DOCKWIRE_TOOLCHAIN says which engine benches can run here)
#   2. builds: `npm run build`, then the bench scripts (bench/tsconfig.json -> dist/bench)
#   3. node dist/bench/main.js: prints the table; writes bench/results/latest.json and
#      bench/results/scaling.svg
#
# The redis, networks, containers and where benches use the daemon: run the suite when no
# tests are running on it (the bench waits for them, then refuses to start on a busy daemon).
# Without a daemon they report "not run".
# Env: BENCH_ROUNDS (default 7), BENCH_REDIS_ROUNDS (default 5), BENCH_ENGINE_ROUNDS (default
# 3), BENCH_NETWORKS (default 100), BENCH_CONTAINERS (default 50).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

step() { printf '=== %s\n' "$*" >&2; }

step "dependencies"
bash scripts/deps.sh >&2 || exit 1

want_daemon=1
if [ $# -gt 0 ]; then
  want_daemon=0
  for a in "$@"; do case "$a" in redis | networks | containers | where) want_daemon=1 ;; esac; done
fi
if [ "$want_daemon" = 1 ]; then
  step "docker daemon and images"
  if DOCKER_HOST=$(bash scripts/daemon.sh up) && bash scripts/images.sh >&2; then
    export DOCKER_HOST
  else
    echo "bench: no Docker daemon or images: the redis and engine benches report \"not run\"" >&2
    unset DOCKER_HOST
  fi
fi

want_compose=1
if [ $# -gt 0 ]; then
  want_compose=0
  for a in "$@"; do [ "$a" != redis ] || want_compose=1; done
fi
if [ "$want_daemon" = 1 ] && [ "$want_compose" = 1 ] && ! command -v docker-compose >/dev/null 2>&1; then
  step "docker-compose (Debian's, for the Compose side of the Redis Cluster bench)"
  if ! { timeout 600 apt-get install -y docker-compose >&2 || { timeout 300 apt-get update >&2 && timeout 600 apt-get install -y docker-compose >&2; }; }; then
    echo "bench: could not install docker-compose: the Compose rows report \"not run\"" >&2
  fi
fi

step "pulumi toolchain"
if toolchain_env=$(bash scripts/toolchain.sh env); then
  eval "$toolchain_env"
else
  echo "bench: scripts/toolchain.sh env failed: the engine benches report \"not run\"" >&2
  export DOCKWIRE_TOOLCHAIN=
fi

step "build"
if ! npm run --silent build >&2; then
  # Other work in progress can break the whole-tree build; the bench needs only provider/.
  echo "bench: WARNING \`npm run build\` failed (above); building what the bench needs alone" >&2
fi
npx tsc -p bench/tsconfig.json >&2 || { echo "bench: the bench scripts do not build" >&2; exit 1; }

step "bench"
exec node dist/bench/main.js "$@"
