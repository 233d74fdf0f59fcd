#!/bin/sh
# dockwire: applies managed daemon.json keys on a Docker host, or puts their previous
# values back, with a backup, an atomic write, a restart, a readiness check and a rollback
# byte for byte on any failure. Run as root. Needs sh, coreutils, grep, sed, python3 and the
# docker CLI (checked first; nothing changes before).
#
#   env DW_MODE=apply DW_CONFIG=/etc/docker/daemon.json ... DW_PY="$(cat daemon-json.py)" sh daemon-apply.sh
#
# Inputs, all environment variables (provider/host/daemon-apply.ts sets them; the values
# are only ever used as "$DW_..." words or handed to python3 as arguments):
#   DW_MODE          apply | restore
#   DW_CONFIG        the daemon.json path
#   DW_BACKUP        where the byte-for-byte copy goes while the change is tried
#   DW_RECORD        the record of previous values (JSON) kept on the host
#   DW_RESTART_KIND  systemd | command
#   DW_UNIT          the systemd unit (systemd)
#   DW_RESTART_CMD   the shell command that restarts the daemon (command)
#   DW_LOG_PATH      the daemon's log file, for its error lines (command; may be empty)
#   DW_DOCKER_HOST   the DOCKER_HOST the readiness check uses (empty: the default)
#   DW_TIMEOUT       seconds to wait for the daemon to answer
#   DW_DROPIN        the systemd drop-in that clears -H when hosts is managed (empty: none)
#   DW_MANAGED_B64   apply: the managed keys and values, base64 of compact JSON
#   DW_PREVIOUS_B64  restore: the record to put back (empty: the host's record, else
#                    PULUMI_COMMAND_STDOUT's DOCKWIRE_PREVIOUS= line)
#   DW_BRIDGE        the bridge whose address a bip change moves (docker0)
#   DW_BRIDGE_ADDR   the address it must have after an apply of bip (empty: not checked)
#   DW_BRIDGE_AUTO   1: take the bridge address from the record (restore)
#   DW_PY            the text of daemon-json.py (it reads, merges and renders the JSON)
# Exit status: 0 done (or nothing to change); 1 refused by the daemon and rolled back;
# 2 nothing changed (a requirement missing, malformed input); 3 rolled back but the daemon
# does not answer; 130 interrupted (rolled back).
for dw_v in DW_MODE DW_CONFIG DW_BACKUP DW_RECORD DW_RESTART_KIND DW_UNIT DW_RESTART_CMD DW_LOG_PATH \
  DW_DOCKER_HOST DW_TIMEOUT DW_DROPIN DW_MANAGED_B64 DW_PREVIOUS_B64 DW_BRIDGE DW_BRIDGE_ADDR DW_BRIDGE_AUTO DW_PY; do
  dw_set=""
  eval "dw_set=\${$dw_v+set}"
  [ "$dw_set" = set ] || { echo "dockwire: daemon-apply.sh: the environment variable $dw_v is not set (see the list at the top of this script)" >&2; exit 2; }
done
set -u
umask 022
# fds 3 and 4 keep the script's own stdout and stderr: a signal trap runs while the
# interrupted command's redirections are still in force (dash), so it writes there.
exec 3>&1 4>&2
dw_out() { printf 'dockwire: %s\n' "$*"; }
dw_err() { printf 'dockwire: %s\n' "$*" >&2; }
dw_die() { dw_err "$1"; exit "$2"; }
dw_bounded() { # dw_bounded SECONDS CMD...
  dw_s=$1; shift
  if command -v timeout >/dev/null 2>&1; then timeout "$dw_s" "$@"; else "$@"; fi
}

# --- requirements (nothing is changed before they are met)
command -v python3 >/dev/null 2>&1 || dw_die "python3 is required on the Docker host (dockwire merges $DW_CONFIG with it): install it (e.g. apt-get install python3-minimal) and run again; nothing was changed." 2
command -v docker >/dev/null 2>&1 || dw_die "the docker CLI is required on the Docker host (dockwire checks that the daemon answers with 'docker info'): install it and run again; nothing was changed." 2
for dw_c in cp mv rm mktemp date sleep tail head dirname grep sed; do
  command -v "$dw_c" >/dev/null 2>&1 || dw_die "$dw_c is required on the Docker host; nothing was changed." 2
done
if [ "$DW_RESTART_KIND" = systemd ]; then
  command -v systemctl >/dev/null 2>&1 || dw_die "systemctl is required for the systemd restart strategy (unit $DW_UNIT): use a restart command instead; nothing was changed." 2
fi
if [ -n "$DW_DOCKER_HOST" ]; then DOCKER_HOST=$DW_DOCKER_HOST; export DOCKER_HOST; fi

DW_DIR=$(dirname "$DW_CONFIG")
mkdir -p "$DW_DIR" || dw_die "cannot create the directory $DW_DIR; nothing was changed." 2
DW_TMP=$(mktemp -d "${TMPDIR:-/tmp}/dockwire.XXXXXX") || dw_die "cannot create a temporary directory; nothing was changed." 2
DW_LOCK="$DW_CONFIG.dockwire.lock"
DW_LOCKED=0
DW_STATE=idle
DW_EXISTED=0
DW_DROPIN_CHANGED=0
DW_DROPIN_EXISTED=0
DW_CONFIG_TOUCHED=0
DW_RESTARTED=0
# shellcheck disable=SC2317 # called from a trap
dw_cleanup() {
  rm -rf "$DW_TMP"
  rm -f "$DW_CONFIG.dockwire.new" "$DW_CONFIG.dockwire.stage" "$DW_CONFIG.dockwire.rbstage" "$DW_RECORD.dockwire.new"
  if [ "$DW_LOCKED" = 1 ]; then rm -rf "$DW_LOCK"; fi
}
# shellcheck disable=SC2317 # called from a trap
dw_on_signal() { exit 130; }   # until something is changed; redefined below
trap 'dw_cleanup' EXIT
trap 'dw_on_signal' INT TERM HUP

# --- lock (a directory; a lock left by a dead process is broken)
dw_deadline=$(( $(date +%s) + DW_TIMEOUT ))
while ! mkdir "$DW_LOCK" 2>/dev/null; do
  dw_holder=$(cat "$DW_LOCK/pid" 2>/dev/null || true)
  if [ -n "$dw_holder" ] && ! kill -0 "$dw_holder" 2>/dev/null; then
    rm -rf "$DW_LOCK"
    continue
  fi
  if [ "$(date +%s)" -ge "$dw_deadline" ]; then
    dw_die "$DW_LOCK is held by another dockwire run (pid ${dw_holder:-unknown}) for more than ${DW_TIMEOUT}s: wait for it, or remove the directory if no such run is going on; nothing was changed." 2
  fi
  sleep 1
done
DW_LOCKED=1
echo $$ >"$DW_LOCK/pid"

# --- plan (python3 reads the file, computes the new text and writes CONFIG.dockwire.new)
python3 -c "$DW_PY" plan "$DW_MODE" "$DW_CONFIG" "$DW_RECORD" "$DW_MANAGED_B64" "$DW_PREVIOUS_B64" "$DW_TMP" "$DW_BRIDGE" || exit 2
if [ -f "$DW_TMP/norecord" ]; then
  dw_out "no record of previous values for $DW_CONFIG ($DW_RECORD absent, none passed in, none in PULUMI_COMMAND_STDOUT): nothing to restore, the file was left as it is."
  exit 0
fi
DW_KEYS=$(cat "$DW_TMP/keys")
DW_HOSTS=$(cat "$DW_TMP/hosts")
if [ "$DW_BRIDGE_AUTO" = 1 ] || [ -z "$DW_BRIDGE_ADDR" ]; then DW_BRIDGE_ADDR=$(cat "$DW_TMP/bip"); fi

dw_finish() { # success: record, report
  if [ "$DW_MODE" = apply ]; then
    # shellcheck disable=SC2015 # the message is meant for a failure of either step
    cp "$DW_TMP/record" "$DW_RECORD.dockwire.new" && mv -f "$DW_RECORD.dockwire.new" "$DW_RECORD" \
      || dw_err "warning: could not write the record $DW_RECORD; delete will fall back to PULUMI_COMMAND_STDOUT"
    printf 'DOCKWIRE_PREVIOUS=%s\n' "$(cat "$DW_TMP/record")"
  else
    rm -f "$DW_RECORD"
    if [ "$(cat "$DW_TMP/bipgone" 2>/dev/null)" = 1 ]; then
      dw_out "note: bip is unset again, but dockerd keeps the address docker0 has now while docker0 exists; for Docker's default range, stop the daemon, delete the bridge (ip link del docker0) and start it again."
    fi
    printf 'DOCKWIRE_RESTORED=%s\n' "$(cat "$DW_TMP/record")"
  fi
  exit 0
}

if [ "$(cat "$DW_TMP/changed")" != 1 ]; then
  dw_out "$DW_CONFIG already has the wanted values of $DW_KEYS: nothing to change, the daemon was not restarted."
  dw_finish
fi

# --- the daemon: restart and readiness
DW_CHILD=""
dw_restart() { # appends the restart's output to $DW_TMP/restart.out; returns its status
  # In the background and waited for, so that a signal runs its trap at once (in wait,
  # not inside a redirected command); fds 3 and 4 are not passed on to the daemon.
  if [ "$DW_RESTART_KIND" = systemd ]; then
    systemctl reset-failed "$DW_UNIT" >/dev/null 2>&1 3>&- 4>&- || true
    dw_bounded "$DW_TIMEOUT" systemctl restart "$DW_UNIT" >>"$DW_TMP/restart.out" 2>&1 </dev/null 3>&- 4>&- &
  else
    dw_bounded "$DW_TIMEOUT" sh -c "$DW_RESTART_CMD" >>"$DW_TMP/restart.out" 2>&1 </dev/null 3>&- 4>&- &
  fi
  DW_CHILD=$!
  wait "$DW_CHILD"
  dw_restart_rc=$?
  DW_CHILD=""
  return "$dw_restart_rc"
}
dw_answers() {
  dw_v=$(dw_bounded 10 docker info --format '{{.ServerVersion}}' 2>/dev/null) && [ -n "$dw_v" ]
}
dw_bridge_ok() { # dw_bridge_ok ADDR/PREFIX
  if command -v ip >/dev/null 2>&1; then
    ip -o -4 addr show dev "$DW_BRIDGE" 2>/dev/null | grep -qF " inet $1 "
  else
    [ "$(docker network inspect bridge --format '{{range .IPAM.Config}}{{.Gateway}}{{end}}' 2>/dev/null)" = "${1%/*}" ]
  fi
}
dw_wait() { # dw_wait [ADDR/PREFIX]: 0 when the daemon answers (and the bridge has ADDR) within DW_TIMEOUT s
  dw_until=$(( $(date +%s) + DW_TIMEOUT ))
  while :; do
    if dw_answers; then
      if [ -z "${1:-}" ] || dw_bridge_ok "$1"; then return 0; fi
    fi
    [ "$(date +%s)" -lt "$dw_until" ] || return 1
    sleep 0.5
  done
}
dw_reload() { dw_bounded "$DW_TIMEOUT" systemctl daemon-reload >>"$DW_TMP/restart.out" 2>&1; }

# --- rollback: the files back byte for byte, then the daemon
dw_rollback_files() {
  if [ "$DW_CONFIG_TOUCHED" = 1 ]; then
    if [ "$DW_EXISTED" = 1 ]; then
      # shellcheck disable=SC2015 # the message is meant for a failure of either step
      cp -p "$DW_BACKUP" "$DW_CONFIG.dockwire.new" && mv -f "$DW_CONFIG.dockwire.new" "$DW_CONFIG" \
        || dw_err "could not restore $DW_CONFIG from $DW_BACKUP: copy it back by hand"
    else
      rm -f "$DW_CONFIG"
    fi
  fi
  if [ "$DW_DROPIN_CHANGED" = 1 ]; then
    if [ "$DW_DROPIN_EXISTED" = 1 ]; then
      cp -p "$DW_TMP/dropin.bak" "$DW_DROPIN" || dw_err "could not restore $DW_DROPIN (its copy is lost with $DW_TMP)"
    else
      rm -f "$DW_DROPIN"
    fi
    dw_reload || true
  fi
  sync 2>/dev/null || true
}
dw_rollback_daemon() { # restart with the rolled-back files; 0 when the daemon answers
  dw_rb_bip=$(cat "$DW_TMP/rbbip" 2>/dev/null || true)
  if [ -n "$dw_rb_bip" ] && [ -f "$DW_CONFIG.dockwire.rbstage" ] && ! dw_bridge_ok "$dw_rb_bip"; then
    # dockerd would keep the new bridge address with bip unset: first bip = the old address
    DW_CONFIG_TOUCHED=1
    # shellcheck disable=SC2015 # the message is meant for a failure of either step
    mv -f "$DW_CONFIG.dockwire.rbstage" "$DW_CONFIG" && dw_restart && dw_wait "$dw_rb_bip" \
      || dw_err "could not bring $DW_BRIDGE back to $dw_rb_bip"
    dw_rollback_files
  fi
  dw_restart && dw_wait ""
}
# shellcheck disable=SC2317 # called from a trap
dw_on_signal() {
  trap '' INT TERM HUP
  exec 1>&3 2>&4
  if [ "$DW_STATE" != idle ]; then
    dw_err "interrupted: rolling $DW_CONFIG back to its previous content"
    # let a restart in flight finish first (it is bounded by the timeout)
    if [ -n "$DW_CHILD" ]; then wait "$DW_CHILD" 2>/dev/null || true; DW_CHILD=""; fi
    dw_rollback_files
    if [ "$DW_RESTARTED" = 1 ]; then
      if dw_rollback_daemon; then
        dw_err "rolled back; the daemon answers again"
      else
        dw_err "rolled back, but the daemon does not answer after restarting it again: check the host now"
      fi
    else
      dw_err "rolled back before the daemon was restarted"
    fi
  fi
  exit 130
}

# --- systemd: the drop-in that clears -H when daemon.json sets hosts (before the file changes)
if [ -n "$DW_DROPIN" ] && [ "$DW_HOSTS" = 1 ]; then
  if [ -e "$DW_DROPIN" ]; then DW_DROPIN_EXISTED=1; cp -p "$DW_DROPIN" "$DW_TMP/dropin.bak"; fi
  DW_STATE=writing
  if [ "$DW_MODE" = apply ]; then
    if ! systemctl show -p ExecStart --value "$DW_UNIT" >"$DW_TMP/execstart" 2>&1 \
       || ! python3 -c "$DW_PY" dropin <"$DW_TMP/execstart" >"$DW_TMP/dropin.new"; then
      dw_die "cannot compute the drop-in $DW_DROPIN from the ExecStart of $DW_UNIT ($(head -c 300 "$DW_TMP/execstart")); nothing was changed." 2
    fi
    if [ "$DW_DROPIN_EXISTED" = 1 ] && [ "$(cat "$DW_TMP/dropin.new")" = "$(cat "$DW_DROPIN")" ]; then
      :
    else
      DW_DROPIN_CHANGED=1
      # shellcheck disable=SC2015 # the message is meant for a failure of either step
      mkdir -p "$(dirname "$DW_DROPIN")" && cp "$DW_TMP/dropin.new" "$DW_DROPIN.dockwire.new" && mv -f "$DW_DROPIN.dockwire.new" "$DW_DROPIN" \
        || { dw_rollback_files; dw_die "cannot write $DW_DROPIN; it was rolled back, $DW_CONFIG was not changed." 2; }
      dw_out "wrote $DW_DROPIN (ExecStart without -H, since daemon.json sets hosts)"
    fi
  elif [ "$DW_DROPIN_EXISTED" = 1 ]; then
    DW_DROPIN_CHANGED=1
    rm -f "$DW_DROPIN"
    dw_out "removed $DW_DROPIN"
  fi
  if [ "$DW_DROPIN_CHANGED" = 1 ] && ! dw_reload; then
    dw_rollback_files
    dw_die "systemctl daemon-reload failed after changing $DW_DROPIN: $(tail -n 5 "$DW_TMP/restart.out"); it was rolled back, $DW_CONFIG was not changed." 2
  fi
fi

# --- backup (byte for byte), then each step: put the file in place, restart, verify
if [ -e "$DW_CONFIG" ]; then
  DW_EXISTED=1
  # shellcheck disable=SC2015 # the message is meant for a failure of either step
  cp -p "$DW_CONFIG" "$DW_BACKUP.dockwire.new" && mv -f "$DW_BACKUP.dockwire.new" "$DW_BACKUP" \
    || { dw_rollback_files; dw_die "cannot back up $DW_CONFIG to $DW_BACKUP; nothing was changed." 2; }
else
  rm -f "$DW_BACKUP"
fi
DW_WHY=""
dw_step() { # dw_step FILE EXPECTED_BRIDGE_ADDR: 0 when the daemon runs with FILE as config
  DW_CONFIG_TOUCHED=1
  if ! mv -f "$1" "$DW_CONFIG"; then DW_WHY="cannot replace $DW_CONFIG"; return 1; fi
  sync 2>/dev/null || true
  dw_t0=$(date +%s)
  DW_RESTARTED=1
  dw_restart
  dw_rc=$?
  if [ "$dw_rc" != 0 ]; then
    if [ "$DW_RESTART_KIND" = systemd ]; then DW_WHY="systemctl restart $DW_UNIT exited $dw_rc"; else DW_WHY="the restart command exited $dw_rc"; fi
    [ "$dw_rc" != 124 ] || DW_WHY="$DW_WHY (timed out after ${DW_TIMEOUT}s)"
    return 1
  fi
  if ! dw_wait "$2"; then
    if dw_answers; then
      DW_WHY="the daemon answers but bridge $DW_BRIDGE does not have $2 after ${DW_TIMEOUT}s"
    else
      DW_WHY="the daemon did not answer within ${DW_TIMEOUT}s of the restart"
    fi
    return 1
  fi
  if [ -n "$2" ]; then
    dw_out "the daemon answers again after $(( $(date +%s) - dw_t0 ))s; bridge $DW_BRIDGE has $2"
  else
    dw_out "the daemon answers again after $(( $(date +%s) - dw_t0 ))s"
  fi
  return 0
}
DW_STATE=writing
dw_out "updated $DW_CONFIG ($DW_MODE of $DW_KEYS):"
sed 's/^/  /' "$DW_TMP/diff"
DW_STAGE_BIP=$(cat "$DW_TMP/stagebip" 2>/dev/null || true)
dw_ok=1
if [ -n "$DW_STAGE_BIP" ]; then
  # dockerd keeps the default bridge's last address once bip is unset: first bring docker0
  # back to the address it had before dockwire set bip, then unset bip.
  dw_out "first with bip $DW_STAGE_BIP (docker0's address before dockwire set bip), then without it"
  dw_step "$DW_CONFIG.dockwire.stage" "$DW_STAGE_BIP" || dw_ok=0
  if [ "$dw_ok" = 1 ]; then dw_step "$DW_CONFIG.dockwire.new" "$DW_STAGE_BIP" || dw_ok=0; fi
else
  dw_step "$DW_CONFIG.dockwire.new" "$DW_BRIDGE_ADDR" || dw_ok=0
fi
if [ "$dw_ok" = 1 ]; then dw_finish; fi

# --- failure: keep the daemon's own words, roll back, restart, verify
{
  if [ "$DW_RESTART_KIND" = systemd ]; then
    dw_bounded 10 journalctl -u "$DW_UNIT" -n 20 --no-pager 2>&1 || cat "$DW_TMP/restart.out"
  else
    cat "$DW_TMP/restart.out"
    if [ -n "$DW_LOG_PATH" ] && [ -f "$DW_LOG_PATH" ]; then
      echo "--- last lines of $DW_LOG_PATH:"
      tail -n 20 "$DW_LOG_PATH"
    fi
  fi
} >"$DW_TMP/diag" 2>&1
DW_CAUSE=$(grep -E 'failed to start daemon|unable to configure|unable to parse|the following directives|level=fatal|Error starting daemon|invalid|conflicts with' "$DW_TMP/diag" | grep -v 'level=info' | tail -n 1)
[ -n "$DW_CAUSE" ] || DW_CAUSE=$(grep -v 'level=info' "$DW_TMP/diag" | grep -v '^[[:space:]]*$' | tail -n 1)
: >"$DW_TMP/restart.out"
dw_rollback_files
DW_STATE=idle
DW_RC=1
if dw_rollback_daemon; then
  DW_AFTER="it was rolled back to its previous content (byte for byte) and the daemon answers again"
else
  DW_RC=3
  DW_AFTER="it was rolled back to its previous content (byte for byte), but the daemon STILL DOES NOT ANSWER after restarting it again: check the host now"
  cat "$DW_TMP/restart.out" >>"$DW_TMP/diag"
fi
{
  echo "dockwire: daemon output:"
  sed 's/^/  /' "$DW_TMP/diag"
  echo "dockwire: the $DW_MODE of $DW_KEYS to $DW_CONFIG failed: $DW_WHY."
  echo "dockwire: cause: ${DW_CAUSE:-(the daemon printed no error)}"
  echo "dockwire: $DW_CONFIG: $DW_AFTER."
} >&2
exit "$DW_RC"
