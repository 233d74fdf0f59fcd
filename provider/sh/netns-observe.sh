#!/bin/sh
# What the host has, for the read (refresh) of dockwire's netns resources.
#
#   sh netns-observe.sh [-] [NAMESPACE...]
#
# "-" stands for the namespace the script runs in (the host). For each namespace
# given, it prints a header line, then, when the namespace exists, its links with
# addresses (`ip -d -json addr show`) and its IPv4 and IPv6 main routing tables
# (`ip -json -4|-6 route show table main`), each on a line of its own after a tag:
#
#   @dockwire ns NAME present|absent
#   @dockwire addr
#   [{"ifname":"lo",...}]
#   @dockwire route4
#   [...]
#   @dockwire route6
#   [...]
#
# Read-only: it changes nothing. Needs iproute2 with JSON output (5.x or newer); names
# are checked by dockwire before they get here and are only ever passed as arguments.
set -eu
command -v ip >/dev/null 2>&1 || { echo "dockwire: ip (iproute2) is required on the host" >&2; exit 2; }

dump() { # dump [-n NS]
  echo "@dockwire addr"
  ip "$@" -d -json addr show
  echo
  echo "@dockwire route4"
  ip "$@" -json -4 route show table main
  echo
  echo "@dockwire route6"
  ip "$@" -json -6 route show table main 2>/dev/null || echo "[]"
  echo
}

for ns in "$@"; do
  if [ "$ns" = - ]; then
    echo "@dockwire ns - present"
    dump
  elif [ -e "/var/run/netns/$ns" ]; then
    echo "@dockwire ns $ns present"
    dump -n "$ns"
  else
    echo "@dockwire ns $ns absent"
  fi
done
