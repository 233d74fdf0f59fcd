#!/bin/sh
# dockwire: creates and deletes Linux network namespaces, veth pairs, Linux bridges and
# routes with ip (iproute2). Run as root (CAP_NET_ADMIN).
#
#   sh netns.sh netns-create NAME
#   sh netns.sh netns-delete NAME
#   sh netns.sh veth-create NAME PEER NS0 FINAL0 STATE0 ADDRS0 NS1 FINAL1 STATE1 ADDRS1
#   sh netns.sh veth-delete NAME PEER NS0 FINAL0 NS1 FINAL1
#   sh netns.sh bridge-create NAME NS STATE ADDRS PORTS
#   sh netns.sh bridge-delete NAME NS
#   sh netns.sh route-create NS FAMILY DEST VIA DEV
#   sh netns.sh route-delete NS FAMILY DEST
#
# NS is a namespace name, or "-" for the host namespace. STATE is up or down. ADDRS (CIDRs)
# and PORTS (interface names) are comma-separated lists, "-" for none. FAMILY is 4 or 6,
# DEST a network CIDR or "default", VIA and DEV "-" when not given. A veth end's FINAL is
# the name it carries in its namespace (its NAME or PEER when it is not renamed).
#
# create is idempotent: it checks before it adds and uses `addr replace` / `route replace`,
# so running it again after a partial failure, or over drift, finishes the job. delete
# removes only what it finds. On failure it prints `dockwire: RESOURCE: ...` on stderr.
# The values come as arguments and are only ever used as words ("$x"); the library checks
# them before (provider/netns/names.ts, commands.ts).
set -eu

NETNS_DIR=/var/run/netns
dw_res="dockwire"
dw_phase=""

dw_fail() {
  echo "dockwire: $dw_res: $*" >&2
  trap - EXIT
  exit 1
}
dw_on_exit() {
  dw_rc=$?
  [ "$dw_rc" -eq 0 ] || echo "dockwire: $dw_res: $dw_phase failed (exit $dw_rc)" >&2
}
# dw_ip NS ARG...: ip in namespace NS ("-": the host namespace).
dw_ip() {
  dw_ns=$1
  shift
  if [ "$dw_ns" = - ]; then ip "$@"; else ip -n "$dw_ns" "$@"; fi
}
# dw_has NS ARG...: true when `ip ARG...` in NS prints anything (a missing namespace: false).
dw_has() { [ -n "$(dw_ip "$@" 2>/dev/null)" ]; }
# dw_veth NS DEV: true when DEV is a veth in NS.
dw_veth() { dw_has "$1" link show dev "$2" type veth; }
dw_label() { if [ "$1" = - ]; then echo "the host namespace"; else echo "namespace $1"; fi; }
# dw_require_ns NS: fails unless NS is "-" or a namespace ip can enter (its loopback shows).
dw_require_ns() {
  [ "$1" = - ] || dw_has "$1" link show dev lo || dw_fail "namespace $1 does not exist; create it first"
}
# dw_addrs NS DEV ADDRS: ip addr replace for each address.
dw_addrs() {
  [ "$3" = - ] && return 0
  dw_old_ifs=$IFS
  IFS=,
  # shellcheck disable=SC2086 # the list is split on commas on purpose
  set -- "$1" "$2" $3
  IFS=$dw_old_ifs
  dw_a_ns=$1
  dw_a_dev=$2
  shift 2
  for dw_a in "$@"; do dw_ip "$dw_a_ns" addr replace "$dw_a" dev "$dw_a_dev"; done
}
dw_start() { # dw_start PHASE RESOURCE EXPECTED-ARGS GOT-ARGS
  dw_phase=$1
  dw_res=$2
  [ "$3" -eq "$4" ] || {
    echo "dockwire: $dw_res: $dw_phase takes $3 arguments, got $4" >&2
    exit 2
  }
  trap dw_on_exit EXIT
}
[ $# -ge 1 ] || {
  echo "usage: sh netns.sh netns-create|netns-delete|veth-create|veth-delete|bridge-create|bridge-delete|route-create|route-delete ARG..." >&2
  exit 2
}
dw_cmd=$1
shift

# --------------------------------------------------------------- namespaces
netns_create() {
  dw_start create "netns $1" 1 $#
  [ -e "$NETNS_DIR/$1" ] || ip netns add "$1"
  ip -n "$1" link set dev lo up
}
netns_delete() {
  dw_start delete "netns $1" 1 $#
  if [ -e "$NETNS_DIR/$1" ]; then ip netns del "$1"; fi
}

# --------------------------------------------------------------- veth pairs
# An end is ORIG NS FINAL: created as ORIG in the host, moved to NS ("-": stays) and named
# FINAL there. While a create progresses, or after drift, it can be in any of its places:
# (NS, FINAL) first, then (NS, ORIG) when renamed, (host, ORIG) when moved or renamed, and
# (host, FINAL) when it was moved back out of NS by hand keeping its final name, unless the
# other end lives there.
veth_moved_out() { # ORIG NS FINAL OTHER_NS OTHER_FINAL
  [ "$2" != - ] && [ "$3" != "$1" ] && ! { [ "$4" = - ] && [ "$5" = "$3" ]; }
}
# veth_find ORIG NS FINAL OTHER_NS OTHER_FINAL: prints "NS DEV" of the first place where the
# end is a veth; fails when it is nowhere.
veth_find() {
  if dw_veth "$2" "$3"; then echo "$2 $3"; return 0; fi
  if [ "$2" != - ] && [ "$3" != "$1" ] && dw_veth "$2" "$1"; then echo "$2 $1"; return 0; fi
  if { [ "$2" != - ] || [ "$3" != "$1" ]; } && dw_veth - "$1"; then echo "- $1"; return 0; fi
  if veth_moved_out "$@" && dw_veth - "$3"; then echo "- $3"; return 0; fi
  return 1
}
veth_place_end() { # ORIG NS FINAL STATE ADDRS OTHER_NS OTHER_FINAL
  if ! dw_at=$(veth_find "$1" "$2" "$3" "$6" "$7"); then
    if [ "$2" = - ] && [ "$3" = "$1" ]; then
      dw_fail "end $1 is not a veth in the host namespace"
    elif [ "$2" = - ]; then
      dw_fail "end $1 (to be renamed $3) is not a veth in the host namespace"
    elif [ "$3" = "$1" ]; then
      dw_fail "end $1 (to go to namespace $2) is not a veth in either namespace $2 or the host namespace"
    else
      dw_fail "end $1 (to be $3 in namespace $2) is not a veth in either namespace $2 or the host namespace"
    fi
  fi
  # From where it was found to (NS, FINAL): move into NS, then rename there.
  dw_at_ns=${dw_at%% *}
  dw_at_dev=${dw_at#* }
  if [ "$dw_at_ns" != "$2" ]; then
    ip link set dev "$dw_at_dev" netns "$2"
  fi
  [ "$dw_at_dev" = "$3" ] || dw_ip "$2" link set dev "$dw_at_dev" name "$3"
  dw_addrs "$2" "$3" "$5"
  dw_ip "$2" link set dev "$3" "$4"
}
veth_create() {
  dw_start create "veth $1 (peer $2)" 10 $#
  for dw_s in "$5" "$9"; do
    [ "$dw_s" = up ] || [ "$dw_s" = down ] || dw_fail "end state \"$dw_s\" must be up or down"
  done
  dw_require_ns "$3"
  [ "$7" = "$3" ] || dw_require_ns "$7"
  if ! veth_find "$1" "$3" "$4" "$7" "$8" >/dev/null && ! veth_find "$2" "$7" "$8" "$3" "$4" >/dev/null; then
    ip link add "$1" type veth peer name "$2"
  fi
  # Ends that change namespace first: moving one out of the host frees its name there.
  if [ "$3" = - ] && [ "$7" != - ]; then
    veth_place_end "$2" "$7" "$8" "$9" "${10}" "$3" "$4"
    veth_place_end "$1" "$3" "$4" "$5" "$6" "$7" "$8"
  else
    veth_place_end "$1" "$3" "$4" "$5" "$6" "$7" "$8"
    veth_place_end "$2" "$7" "$8" "$9" "${10}" "$3" "$4"
  fi
}
veth_delete() {
  dw_start delete "veth $1 (peer $2)" 6 $#
  # Deleting one end of a pair removes both; nothing found is success (deleting a namespace
  # already destroys the ends inside it).
  dw_at=$(veth_find "$1" "$3" "$4" "$5" "$6" || veth_find "$2" "$5" "$6" "$3" "$4" || true)
  if [ -n "$dw_at" ]; then
    dw_ip "${dw_at%% *}" link del dev "${dw_at#* }"
  fi
}

# --------------------------------------------------------------- bridges
bridge_resource() { if [ "$2" = - ]; then echo "bridge $1"; else echo "bridge $1 in namespace $2"; fi; }
bridge_create() {
  dw_start create "$(bridge_resource "$1" "$2")" 5 $#
  [ "$3" = up ] || [ "$3" = down ] || dw_fail "state \"$3\" must be up or down"
  dw_require_ns "$2"
  if dw_has "$2" link show dev "$1" type bridge; then
    :
  elif dw_has "$2" link show dev "$1"; then
    dw_fail "interface $1 exists in $(dw_label "$2") but is not a bridge"
  else
    dw_ip "$2" link add name "$1" type bridge
  fi
  if [ "$5" != - ]; then
    dw_old_ifs=$IFS
    IFS=,
    for dw_p in $5; do
      IFS=$dw_old_ifs
      dw_has "$2" link show dev "$dw_p" || dw_fail "port $dw_p does not exist in $(dw_label "$2")"
      dw_ip "$2" link set dev "$dw_p" master "$1"
    done
    IFS=$dw_old_ifs
  fi
  dw_addrs "$2" "$1" "$4"
  dw_ip "$2" link set dev "$1" "$3"
}
bridge_delete() {
  dw_start delete "$(bridge_resource "$1" "$2")" 2 $#
  if dw_has "$2" link show dev "$1" type bridge; then dw_ip "$2" link del dev "$1"; fi
}

# --------------------------------------------------------------- routes
route_resource() { # NS FAMILY DEST
  dw_r="route $3"
  [ "$3" != default ] || dw_r="$dw_r (IPv$2)"
  [ "$1" = - ] || dw_r="$dw_r in namespace $1"
  echo "$dw_r"
}
route_create() {
  dw_start create "$(route_resource "$1" "$2" "$3")" 5 $#
  [ "$2" = 4 ] || [ "$2" = 6 ] || dw_fail "family \"$2\" must be 4 or 6"
  dw_require_ns "$1"
  if [ "$4" != - ] && [ "$5" != - ]; then
    dw_ip "$1" "-$2" route replace "$3" via "$4" dev "$5"
  elif [ "$4" != - ]; then
    dw_ip "$1" "-$2" route replace "$3" via "$4"
  elif [ "$5" != - ]; then
    dw_ip "$1" "-$2" route replace "$3" dev "$5"
  else
    dw_fail "a route needs a gateway (VIA), an interface (DEV) or both"
  fi
}
route_delete() {
  dw_start delete "$(route_resource "$1" "$2" "$3")" 3 $#
  [ "$2" = 4 ] || [ "$2" = 6 ] || dw_fail "family \"$2\" must be 4 or 6"
  if dw_has "$1" "-$2" route show exact "$3"; then dw_ip "$1" "-$2" route del "$3"; fi
}

case $dw_cmd in
  netns-create) netns_create "$@" ;;
  netns-delete) netns_delete "$@" ;;
  veth-create) veth_create "$@" ;;
  veth-delete) veth_delete "$@" ;;
  bridge-create) bridge_create "$@" ;;
  bridge-delete) bridge_delete "$@" ;;
  route-create) route_create "$@" ;;
  route-delete) route_delete "$@" ;;
  *)
    echo "dockwire: netns.sh: unknown command \"$dw_cmd\"" >&2
    exit 2
    ;;
esac
