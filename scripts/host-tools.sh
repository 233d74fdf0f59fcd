#!/usr/bin/env bash
# Host tools the integration tests drive directly, installed from Debian when missing:
# ip (iproute2), nsenter (util-linux), openssl (TLS lab certificates), sshd/ssh/ssh-keygen
# (the SSH lab host), python3 (DaemonConfig's scripts merge JSON with it), busybox
# (ping in namespaces when iputils-ping is absent), shellcheck (the lint layer), chromium
# (headless, renders `dockwire plan`'s SVG in test/integration/plan-render.test.ts),
# docker-registry and htpasswd (a registry with a password on loopback, for image pulls).
# Idempotent; a no-op when all are there.
set -euo pipefail
declare -A PKG=([ip]=iproute2 [nsenter]=util-linux [openssl]=openssl [/usr/sbin/sshd]=openssh-server
  [ssh]=openssh-client [ssh-keygen]=openssh-client [python3]=python3 [busybox]=busybox-static
  [shellcheck]=shellcheck [chromium]=chromium [docker-registry]=docker-registry [htpasswd]=apache2-utils)
missing=()
for cmd in "${!PKG[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || [ -x "$cmd" ] || missing+=("${PKG[$cmd]}")
done
[ ${#missing[@]} -eq 0 ] && { echo "host-tools.sh: all present" >&2; exit 0; }
pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
echo "host-tools.sh: installing $pkgs" >&2
[ "$(id -u)" = 0 ] || { echo "host-tools.sh: error: need root to install $pkgs" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $pkgs >&2
