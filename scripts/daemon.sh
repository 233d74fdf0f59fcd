#!/usr/bin/env bash
# A Docker daemon on demand, for dockwire's tests and example stacks.
#
#   bash scripts/daemon.sh up     # prints the DOCKER_HOST to use (and nothing else on stdout)
#   bash scripts/daemon.sh down   # stops the private daemon this script started, by its pidfile
#   bash scripts/daemon.sh status
#
# `up` is idempotent:
#   1. if DOCKER_HOST is set and answers, it is used as it is;
#   2. else, if dockwire's private daemon already answers, it is reused;
#   3. else the engine is installed from Debian when missing, and a private dockerd is
#      started with its own socket, data root, exec root and pidfile.
# Diagnostics go to stderr; on failure the daemon log's last lines are shown.
set -euo pipefail

NAME=${DOCKWIRE_DAEMON_NAME:-dockwire}
SOCK_DIR=/run/$NAME
SOCK=$SOCK_DIR/docker.sock
DATA_ROOT=/var/lib/$NAME
EXEC_ROOT=/run/$NAME-exec
PIDFILE=/run/$NAME.pid
LOG=${DOCKWIRE_DAEMON_LOG:-/var/log/$NAME-dockerd.log}
PRIVATE_HOST=unix://$SOCK
START_TIMEOUT=${DOCKWIRE_DAEMON_START_TIMEOUT:-60}

say() { echo "daemon.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

answers() { # answers HOST -> 0 when `docker version` gets a server reply within 10 s
  DOCKER_HOST=$1 timeout 10 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

show_log() {
  if [ -s "$LOG" ]; then
    say "last lines of $LOG:"
    tail -n 25 "$LOG" >&2
  fi
}

live_dockerds() { # pids of running dockerd processes (zombies left by a killed session do not count)
  local pid
  for pid in $(pgrep -x dockerd || true); do
    [ "$(awk '{print $3}' /proc/"$pid"/stat 2>/dev/null)" = Z ] || echo "$pid"
  done
}

our_pid() { # prints the pid of our running dockerd, if any
  [ -f "$PIDFILE" ] || return 1
  local pid; pid=$(cat "$PIDFILE" 2>/dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = dockerd ] || return 1
  [ "$(awk '{print $3}' /proc/"$pid"/stat 2>/dev/null)" != Z ] || return 1
  echo "$pid"
}

install_engine() {
  command -v dockerd >/dev/null 2>&1 && command -v iptables >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 && return 0
  say "installing the Docker engine from Debian (docker.io, iptables, iproute2)"
  command -v apt-get >/dev/null 2>&1 || die "dockerd is not installed and apt-get is not available: install a Docker engine, or set DOCKER_HOST to a daemon that answers"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || die "apt-get update failed"
  apt-get install -y -qq docker.io iptables iproute2 >&2 || die "apt-get install docker.io iptables iproute2 failed"
}

preflight() {
  [ "$(id -u)" = 0 ] || die "starting a private dockerd needs root (you are $(id -un)); run as root, or set DOCKER_HOST to a daemon you can use"
  iptables -t nat -L -n >/dev/null 2>&1 || die "iptables does not work here ('iptables -t nat -L' failed): dockerd needs it for bridge networks and port publishing; install iptables or run where netfilter is available"
  local others
  others=$(live_dockerds)
  if [ -n "$others" ]; then
    die "another dockerd is already running in this network namespace (pid ${others//$'\n'/ }): two daemons fight over docker0 and the iptables chains. Point DOCKER_HOST at it, or stop it first"
  fi
  if [ -S "$SOCK" ] && ! answers "$PRIVATE_HOST"; then
    say "removing stale socket $SOCK"
    rm -f "$SOCK"
  fi
}

start_daemon() {
  mkdir -p "$SOCK_DIR" "$DATA_ROOT" "$EXEC_ROOT" "$(dirname "$LOG")"
  say "starting dockerd ($PRIVATE_HOST, data root $DATA_ROOT, log $LOG)"
  : >"$LOG"
  # setsid: the daemon outlives this script and its caller's process group.
  setsid dockerd --host "$PRIVATE_HOST" --data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" \
    --pidfile "$PIDFILE" >>"$LOG" 2>&1 </dev/null &
  local pid=$! deadline=$((SECONDS + START_TIMEOUT))
  while [ $SECONDS -lt $deadline ]; do
    if answers "$PRIVATE_HOST"; then
      say "dockerd answers (pid $pid) after $((SECONDS - deadline + START_TIMEOUT)) s"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      show_log
      die "dockerd exited during start-up (see the log lines above)"
    fi
    sleep 0.5
  done
  show_log
  kill "$pid" 2>/dev/null || true
  die "dockerd did not answer on $SOCK within ${START_TIMEOUT}s"
}

cmd_up() {
  command -v docker >/dev/null 2>&1 || install_engine
  if [ -n "${DOCKER_HOST:-}" ] && [ "$DOCKER_HOST" != "$PRIVATE_HOST" ]; then
    if answers "$DOCKER_HOST"; then
      say "using DOCKER_HOST=$DOCKER_HOST"
      echo "$DOCKER_HOST"
      return 0
    fi
    die "DOCKER_HOST=$DOCKER_HOST is set but does not answer; unset it to start a private daemon"
  fi
  if answers "$PRIVATE_HOST"; then
    say "reusing the private daemon at $PRIVATE_HOST"
    echo "$PRIVATE_HOST"
    return 0
  fi
  install_engine
  preflight
  start_daemon
  echo "$PRIVATE_HOST"
}

cmd_down() {
  local pid
  if ! pid=$(our_pid); then
    say "no private daemon running (pidfile $PIDFILE)"
    return 0
  fi
  say "stopping dockerd pid $pid"
  kill "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    die "dockerd pid $pid did not stop within 30 s"
  fi
  rm -f "$SOCK"
  # A stopped dockerd leaves its bridges behind; remove them unless another daemon owns them.
  if [ -z "$(live_dockerds)" ]; then
    local br
    for br in $(ip -o link show type bridge 2>/dev/null | awk -F': ' '{print $2}' | grep -E '^(docker0|docker_gwbridge|br-[0-9a-f]{12})$' || true); do
      ip link del "$br" 2>/dev/null || true
    done
  fi
  say "stopped"
}

cmd_status() {
  if answers "${DOCKER_HOST:-$PRIVATE_HOST}"; then echo "up ${DOCKER_HOST:-$PRIVATE_HOST}"; else echo "down"; return 1; fi
}

case "${1:-up}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) die "usage: $0 up|down|status" ;;
esac
