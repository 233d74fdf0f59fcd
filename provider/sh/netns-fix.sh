#!/bin/sh
# Removes what a netns resource's host has beyond its inputs (run by `pulumi up` after
# the create script, for what that script only ever adds).
#
#   sh netns-fix.sh addr-del NAMESPACE DEVICE CIDR   # ip [-n NS] addr del CIDR dev DEVICE
#   sh netns-fix.sh nomaster NAMESPACE DEVICE        # ip [-n NS] link set dev DEVICE nomaster
#
# NAMESPACE "-" is the namespace the script runs in (the host). Needs root and iproute2.
set -eu
die() { echo "dockwire: netns-fix.sh: $*" >&2; exit 2; }
[ $# -ge 1 ] || die "usage: netns-fix.sh addr-del NS DEV CIDR | nomaster NS DEV"
op=$1
shift
case "$op" in
  addr-del) [ $# -eq 3 ] || die "addr-del takes NAMESPACE DEVICE CIDR" ;;
  nomaster) [ $# -eq 2 ] || die "nomaster takes NAMESPACE DEVICE" ;;
  *) die "unknown operation $op" ;;
esac
ns=$1
dev=$2
ipns() { if [ "$ns" = - ]; then ip "$@"; else ip -n "$ns" "$@"; fi; }
case "$op" in
  addr-del) ipns addr del "$3" dev "$dev" ;;
  nomaster) ipns link set dev "$dev" nomaster ;;
esac
