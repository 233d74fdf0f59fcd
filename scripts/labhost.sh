#!/usr/bin/env bash
# A lab "Docker host" of its own: a network namespace with a veth to this machine and a
# dockerd running inside it, with its own socket, data root, exec root, pidfile, log and
# daemon.json. Used by the integration tests of DaemonConfig (daemon.json + restart) so that
# the machine's own daemon and /etc/docker/daemon.json are never touched.
#
#   bash scripts/labhost.sh up NAME X     # prints the lab's DOCKER_HOST (and nothing else on stdout)
#   bash scripts/labhost.sh restart NAME  # stop + start the lab dockerd (the tests' "restart command")
#   bash scripts/labhost.sh stop NAME     # stop the lab dockerd only (keeps netns, files)
#   bash scripts/labhost.sh down NAME     # stop it and remove everything `up` created
#   bash scripts/labhost.sh status NAME   # "up DOCKER_HOST" or "down" (exit 1)
#
# NAME: 1-10 characters [a-z0-9], starting with a letter (e.g. dwlab1).
# X:    0..255, the third octet of the lab link 10.99.X.0/24 (host side 10.99.X.1/24,
#       namespace side 10.99.X.2/24). Use a different X for each lab that runs at once.
#
# What `up` creates (and `down` removes):
#   network namespace NAME (/var/run/netns/NAME), veth NAME-h (host) <-> NAME-n (namespace)
#   /run/NAME/            docker.sock, daemon.json (the lab's own config file), dockerd.log,
#                         dockerd.pid, lab.env (X), empty.json
#   /run/NAME-exec        dockerd's exec root (its containerd lives here too)
#   /var/lib/NAME         dockerd's data root
# dockerd runs in the namespace through `nsenter --net=/var/run/netns/NAME` (not `ip netns
# exec`, which remounts /sys and breaks dockerd's cgroup detection), with
# `--config-file /run/NAME/daemon.json` when that file exists (an empty JSON file otherwise,
# so the machine's /etc/docker/daemon.json is never read), and its own containerd namespace.
#
# `up` is idempotent: an existing namespace, link or running daemon is kept.
# `restart` stops the daemon (bounded wait, then SIGKILL), starts it again and waits until it
# answers; when it does not, it prints the log lines of this start on stderr and exits 1.
# LABHOST_TCP_PORT=N makes the daemon also listen on tcp://10.99.X.2:N (TLS from daemon.json).
# Waits are bounded by LABHOST_TIMEOUT seconds (default 30). With LABHOST_HOST_FLAG=0 the
# daemon is started without --host, so daemon.json's "hosts" must list the lab's socket.
# Diagnostics go to stderr.
set -euo pipefail

TIMEOUT=${LABHOST_TIMEOUT:-30}

say() { echo "labhost.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }
usage() { die "usage: $0 up NAME X | restart NAME | stop NAME | down NAME | status NAME"; }

check_name() {
  [[ "${1:-}" =~ ^[a-z][a-z0-9]{0,9}$ ]] || die "NAME \"${1:-}\" is invalid: use 1-10 characters a-z 0-9 starting with a letter, e.g. dwlab1"
}

setup_paths() {
  NAME=$1
  NETNS=/var/run/netns/$NAME
  DIR=/run/$NAME
  SOCK=$DIR/docker.sock
  CONFIG=$DIR/daemon.json
  EMPTY=$DIR/empty.json
  LOG=$DIR/dockerd.log
  PIDFILE=$DIR/dockerd.pid
  ENVFILE=$DIR/lab.env
  EXEC_ROOT=/run/$NAME-exec
  DATA_ROOT=/var/lib/$NAME
  VETH_H=$NAME-h
  VETH_N=$NAME-n
  HOST=unix://$SOCK
}

answers() { DOCKER_HOST=$HOST timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

daemon_pid() { # prints the pid of the lab's running dockerd
  [ -f "$PIDFILE" ] || return 1
  local pid; pid=$(cat "$PIDFILE" 2>/dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = dockerd ] || return 1
  echo "$pid"
}

netns_up() { # netns_up X
  local x=$1
  { [[ "$x" =~ ^[0-9]{1,3}$ ]] && [ "$x" -le 255 ]; } || die "X \"$x\" is invalid: give the third octet of 10.99.X.0/24, 0..255"
  command -v ip >/dev/null || die "the ip command (iproute2) is missing"
  command -v nsenter >/dev/null || die "nsenter (util-linux) is missing"
  command -v dockerd >/dev/null || die "dockerd is missing: bash scripts/daemon.sh up installs the engine"
  [ "$(id -u)" = 0 ] || die "a lab host needs root"
  if [ -f "$ENVFILE" ]; then
    local old; old=$(sed -n 's/^X=//p' "$ENVFILE")
    [ -z "$old" ] || [ "$old" = "$x" ] || die "lab $NAME already exists with X=$old; run '$0 down $NAME' first"
  fi
  mkdir -p "$DIR" "$EXEC_ROOT" "$DATA_ROOT"
  echo "X=$x" >"$ENVFILE"
  [ -f "$EMPTY" ] || echo '{}' >"$EMPTY"
  [ -e "$NETNS" ] || ip netns add "$NAME"
  if ! ip link show "$VETH_H" >/dev/null 2>&1; then
    ip link add "$VETH_H" type veth peer name "$VETH_N"
    ip link set "$VETH_N" netns "$NAME"
  fi
  ip addr replace "10.99.$x.1/24" dev "$VETH_H"
  ip link set "$VETH_H" up
  nsenter --net="$NETNS" ip addr replace "10.99.$x.2/24" dev "$VETH_N"
  nsenter --net="$NETNS" ip link set "$VETH_N" up
  nsenter --net="$NETNS" ip link set lo up
}

start_daemon() {
  [ -e "$NETNS" ] || die "lab $NAME has no network namespace; run '$0 up $NAME X' first"
  if daemon_pid >/dev/null && answers; then return 0; fi
  if pid=$(daemon_pid); then stop_daemon; fi
  rm -f "$SOCK"
  local config=$CONFIG
  [ -f "$config" ] || config=$EMPTY
  local start_line
  touch "$LOG"
  start_line=$(( $(wc -l <"$LOG") + 1 ))
  echo "--- labhost.sh: starting dockerd $(date -u +%FT%TZ) with --config-file $config" >>"$LOG"
  start_line=$((start_line + 1))
  # setsid: the daemon outlives this script and its caller's process group.
  # LABHOST_HOST_FLAG=0 leaves --host out (daemon.json's "hosts" then says where to listen),
  # as systemd does with dockwire's drop-in that clears -H from ExecStart.
  local host_flag=(--host "$HOST")
  [ "${LABHOST_HOST_FLAG:-1}" != 0 ] || host_flag=()
  # LABHOST_TCP_PORT=N also listens on tcp://10.99.X.2:N (the lab's own address); TLS
  # settings for it come from the lab's daemon.json (tls, tlsverify, tlscacert, ...).
  if [ -n "${LABHOST_TCP_PORT:-}" ]; then
    [[ "$LABHOST_TCP_PORT" =~ ^[0-9]{1,5}$ ]] || die "LABHOST_TCP_PORT must be a port number"
    local x; x=$(sed -n 's/^X=//p' "$ENVFILE")
    host_flag+=(--host "tcp://10.99.$x.2:$LABHOST_TCP_PORT")
  fi
  setsid nsenter --net="$NETNS" dockerd \
    "${host_flag[@]}" --data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" --pidfile "$PIDFILE" \
    --config-file "$config" \
    --containerd-namespace "$NAME" --containerd-plugins-namespace "$NAME-plugins" \
    >>"$LOG" 2>&1 </dev/null &
  local pid=$! deadline=$((SECONDS + TIMEOUT))
  while [ $SECONDS -lt $deadline ]; do
    if answers; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      say "dockerd of lab $NAME exited during start-up; its output:"
      tail -n +"$start_line" "$LOG" | tail -n 20 >&2
      return 1
    fi
    sleep 0.5
  done
  say "dockerd of lab $NAME did not answer on $SOCK within ${TIMEOUT}s; its output:"
  tail -n +"$start_line" "$LOG" | tail -n 20 >&2
  kill "$pid" 2>/dev/null || true
  return 1
}

stop_daemon() {
  local pid
  pid=$(daemon_pid) || { rm -f "$SOCK"; return 0; }
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((TIMEOUT * 2))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "dockerd pid $pid of lab $NAME did not stop within ${TIMEOUT}s; killing it"
    kill -9 "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  # the containerd that dockerd started (it normally stops with it; not after a SIGKILL)
  local c
  c=$(cat "$EXEC_ROOT/containerd/containerd.pid" 2>/dev/null || true)
  if [ -n "$c" ] && [ "$(cat /proc/"$c"/comm 2>/dev/null)" = containerd ]; then
    kill "$c" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$c" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -f "$SOCK" "$PIDFILE"
}

remove_tree() { # remove_tree DIR: unmount anything below DIR, then remove it
  local dir=$1 m
  [ -d "$dir" ] || return 0
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v p="$dir/" 'index($2, p) == 1 || $2 == substr(p, 1, length(p) - 1) { print $2 }' /proc/mounts | sort -r)
  rm -rf --one-file-system "$dir"
}

cmd_up() {
  local name=${1:-} x=${2:-}
  check_name "$name"; [ -n "$x" ] || usage
  setup_paths "$name"
  netns_up "$x"
  start_daemon || die "could not start the dockerd of lab $NAME"
  echo "$HOST"
}

cmd_restart() {
  check_name "${1:-}"; setup_paths "$1"
  [ -e "$NETNS" ] || die "lab $NAME is not up"
  stop_daemon
  start_daemon || die "dockerd of lab $NAME did not come back after the restart"
  say "dockerd of lab $NAME restarted"
}

cmd_stop() {
  check_name "${1:-}"; setup_paths "$1"
  stop_daemon
}

cmd_down() {
  check_name "${1:-}"; setup_paths "$1"
  stop_daemon
  ip link del "$VETH_H" 2>/dev/null || true
  if [ -e "$NETNS" ]; then ip netns del "$NAME" 2>/dev/null || true; fi
  remove_tree "$EXEC_ROOT"
  remove_tree "$DATA_ROOT"
  remove_tree "$DIR"
  say "lab $NAME removed"
}

cmd_status() {
  check_name "${1:-}"; setup_paths "$1"
  if answers; then echo "up $HOST"; else echo "down"; return 1; fi
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  restart) shift; cmd_restart "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  down) shift; cmd_down "$@" ;;
  status) shift; cmd_status "$@" ;;
  *) usage ;;
esac
