#!/bin/sh
# Prints a Docker host's daemon.json for the read (refresh) of dockwire's DaemonConfig.
#
#   sh daemon-read.sh CONFIG     # e.g. /etc/docker/daemon.json
#
# First line "@dockwire present" followed by the file's bytes, or "@dockwire absent".
# Read-only.
set -eu
[ $# -eq 1 ] || { echo "dockwire: usage: daemon-read.sh CONFIG" >&2; exit 2; }
if [ -e "$1" ]; then
  echo "@dockwire present"
  cat -- "$1"
else
  echo "@dockwire absent"
fi
