#!/usr/bin/env bash
# The Pulumi toolchain dockwire runs on, without get.pulumi.com or GitHub downloads.
#
#   bash scripts/toolchain.sh          # build (or find) everything; prints what and where, with times
#   bash scripts/toolchain.sh env      # the same, then prints `export ...` lines for the engine env
#   bash scripts/toolchain.sh status   # what is available, without building
#
# Pieces, each built from the Go module proxy at a pinned version into a cache outside the
# work tree (DOCKWIRE_CACHE, default ~/.cache/dockwire), once:
#   pulumi                     the CLI and engine
#   pulumi-language-nodejs     the Node.js language host (`pulumi up` in a stack folder)
#   pulumi-resource-docker     the docker provider matching npm @pulumi/docker
#   pulumi-resource-command    the command provider matching npm @pulumi/command
# and writes pulumi-resource-pulumi-nodejs, the dynamic-provider launcher a released CLI
# ships beside pulumi (a four-line sh script; dockwire's netns resources need it).
# A piece the proxy refuses is recorded with the exact command and answer (refused/NAME.txt)
# and reported on every run; the proxy is asked again after a day, or at once with
# DOCKWIRE_TOOLCHAIN_RETRY=1.
# If a `pulumi` is already on PATH with the docker and command plugins installed (a normal
# user machine), that one is used and nothing is built.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PULUMI_VERSION=v3.259.0
# Pinned pieces: NAME MODULE PACKAGE VERSION VERSION_VARIABLE. The npm packages in
# package.json (@pulumi/docker 4.11.2, @pulumi/command 1.2.1) are the SDKs of these providers.
PIECES=(
  "pulumi github.com/pulumi/pulumi/pkg/v3 github.com/pulumi/pulumi/pkg/v3/cmd/pulumi $PULUMI_VERSION github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"
  "pulumi-language-nodejs github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 a05d88f24d05 github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"
  "pulumi-resource-docker github.com/pulumi/pulumi-docker/provider/v4 github.com/pulumi/pulumi-docker/provider/v4/cmd/pulumi-resource-docker 9580a00740f4 github.com/pulumi/pulumi-docker/provider/v4/pkg/version.Version"
  "pulumi-resource-command github.com/pulumi/pulumi-command/provider github.com/pulumi/pulumi-command/provider/cmd/pulumi-resource-command v1.2.1 github.com/pulumi/pulumi-command/provider/pkg/version.Version"
)
# The version each binary reports (the engine matches plugins by it).
declare -A REPORTED=([pulumi]=$PULUMI_VERSION [pulumi-language-nodejs]=$PULUMI_VERSION
  [pulumi-resource-docker]=v4.11.2 [pulumi-resource-command]=v1.2.1)

CACHE=${DOCKWIRE_CACHE:-$HOME/.cache/dockwire}/toolchain
BIN=$CACHE/pulumi-$PULUMI_VERSION/bin   # PulumiCommand.get({ root }) expects ROOT/bin/pulumi
REFUSED=$CACHE/refused
STATE=$ROOT/.dockwire

say() { echo "toolchain.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

system_pulumi() { # a user's own pulumi with the plugins dockwire needs
  local p
  p=$(command -v pulumi 2>/dev/null) || return 1
  [ "$p" != "$BIN/pulumi" ] || return 1
  local plugins
  plugins=$(pulumi plugin ls 2>/dev/null) || return 1
  grep -qE '^docker +resource' <<<"$plugins" && grep -qE '^command +resource' <<<"$plugins" || return 1
  echo "$p"
}

proxy_only() { # the configured module proxy without the `direct` fallback: ask the proxy, not origin servers
  local p; p=$(go env GOPROXY); p=${p%,direct}; p=${p%|direct}
  if [ -n "$p" ] && [ "$p" != direct ] && [ "$p" != off ]; then echo "$p"; else go env GOPROXY; fi
}

build_piece() { # NAME MODULE PACKAGE VERSION VERVAR
  local name=$1 module=$2 pkg=$3 version=$4 vervar=$5
  local out=$BIN/$name
  if [ -x "$out" ]; then
    say "$name: cached at $out"
    return 0
  fi
  # A refusal is remembered for a day (so warm runs stay offline and instant), then asked again.
  if [ -f "$REFUSED/$name.txt" ] && [ "${DOCKWIRE_TOOLCHAIN_RETRY:-0}" != 1 ] && [ -z "$(find "$REFUSED/$name.txt" -mmin +1440)" ]; then
    say "$name: NOT AVAILABLE, the Go module proxy refused it (recorded $(head -1 "$REFUSED/$name.txt")):"
    sed -n '2,$p' "$REFUSED/$name.txt" | sed 's/^/    /' >&2
    return 0
  fi
  local start=$SECONDS work
  work=$CACHE/src/$name-$version
  mkdir -p "$work" "$BIN" "$REFUSED"
  # Ask the proxy first: a refusal is cheap to detect and must be reported exactly.
  local probe answer
  probe="GOPROXY=$(proxy_only) go mod download -json $module@$version"
  if ! answer=$(cd "$work" && { [ -f go.mod ] || go mod init "dockwire.toolchain/$name" >/dev/null 2>&1; } &&
    GOFLAGS=-mod=mod GOPROXY="$(proxy_only)" go mod download -json "$module@$version" 2>&1); then
    { date -u +%Y-%m-%dT%H:%M:%SZ; echo "\$ $probe"; grep -E '"Error"' <<<"$answer" || echo "$answer"; } >"$REFUSED/$name.txt"
    say "$name: NOT AVAILABLE, the Go module proxy refused it:"
    sed -n '2,$p' "$REFUSED/$name.txt" | sed 's/^/    /' >&2
    return 0
  fi
  if grep -q '"Error"' <<<"$answer"; then
    { date -u +%Y-%m-%dT%H:%M:%SZ; echo "\$ $probe"; grep -E '"Error"' <<<"$answer"; } >"$REFUSED/$name.txt"
    say "$name: NOT AVAILABLE, the Go module proxy refused it:"
    sed -n '2,$p' "$REFUSED/$name.txt" | sed 's/^/    /' >&2
    return 0
  fi
  rm -f "$REFUSED/$name.txt"
  say "$name: building $pkg@$version (this takes minutes the first time)"
  local deps=("$pkg@$version")
  [ "$name" = pulumi ] && deps+=("github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION")
  (
    cd "$work"
    go get "${deps[@]}" >"$work/get.log" 2>&1 || { tail -20 "$work/get.log" >&2; exit 1; }
    go build -trimpath -ldflags "-s -w -X $vervar=${REPORTED[$name]}" -o "$out.tmp" "$pkg" >"$work/build.log" 2>&1 ||
      { tail -30 "$work/build.log" >&2; exit 1; }
  ) || die "$name: build failed (logs in $work)"
  mv "$out.tmp" "$out"
  say "$name: built $out in $((SECONDS - start)) s"
}

LAUNCHER=pulumi-resource-pulumi-nodejs
write_launcher() { # the dynamic-provider launcher a released CLI ships beside pulumi (dockwire's netns resources and DaemonConfig need it)
  local want
  want=$(cat <<'EOF_LAUNCHER'
#!/bin/sh
# Starts @pulumi/pulumi's dynamic-provider host, resolved from the program's directory
# (the engine runs plugins there). Written by dockwire's scripts/toolchain.sh.
script=$(node -e 'process.stdout.write(require.resolve("@pulumi/pulumi/cmd/dynamic-provider"))') || exit 1
exec node "$script" "$@"
EOF_LAUNCHER
)
  if [ ! -x "$BIN/$LAUNCHER" ] || [ "$(cat "$BIN/$LAUNCHER")" != "$want" ]; then
    mkdir -p "$BIN"
    printf '%s\n' "$want" >"$BIN/$LAUNCHER.tmp" && chmod 755 "$BIN/$LAUNCHER.tmp" && mv "$BIN/$LAUNCHER.tmp" "$BIN/$LAUNCHER"
    say "$LAUNCHER: written to $BIN"
  fi
}

cmd_build() {
  local sys
  if sys=$(system_pulumi); then
    say "using the pulumi on PATH ($sys) with its installed docker and command plugins"
    return 0
  fi
  command -v go >/dev/null 2>&1 || die "go is not installed: the toolchain is built from the Go module proxy (install Go 1.24+)"
  local line
  for line in "${PIECES[@]}"; do
    # shellcheck disable=SC2086
    build_piece $line
  done
  write_launcher
  "$BIN/pulumi" version >/dev/null 2>&1 || die "$BIN/pulumi does not run"
}

cmd_status() {
  local sys
  if sys=$(system_pulumi); then echo "system $sys"; return 0; fi
  local line name
  for line in "${PIECES[@]}"; do
    name=${line%% *}
    if [ -x "$BIN/$name" ]; then echo "$name ${REPORTED[$name]} $BIN/$name"
    elif [ -f "$REFUSED/$name.txt" ]; then echo "$name refused-by-proxy $REFUSED/$name.txt"
    else echo "$name missing"; fi
  done
}

install_plugins() { # HOME: installs the cached provider binaries as plugins of that PULUMI_HOME, once
  local home=$1 line name kind plugin version
  for line in "${PIECES[@]}"; do
    name=${line%% *}
    case "$name" in pulumi-resource-*) ;; *) continue ;; esac
    [ -x "$BIN/$name" ] || continue
    plugin=${name#pulumi-resource-}
    version=${REPORTED[$name]#v}
    kind=resource
    [ -x "$home/plugins/$kind-$plugin-v$version/$name" ] && continue
    PULUMI_HOME=$home "$BIN/pulumi" plugin install "$kind" "$plugin" "$version" --file "$BIN/$name" >/dev/null 2>&1 ||
      die "could not install $BIN/$name as plugin $kind $plugin $version into $home"
    say "$name: installed as plugin $kind $plugin v$version in $home"
  done
}

cmd_env() {
  cmd_build
  local sys
  q() { printf '%q' "$1"; }
  mkdir -p "$STATE/state"
  if sys=$(system_pulumi); then
    echo "export DOCKWIRE_PULUMI_ROOT=$(q "$(dirname "$(dirname "$sys")")")"
  else
    mkdir -p "$STATE/pulumi-home"
    install_plugins "$STATE/pulumi-home"
    echo "export DOCKWIRE_PULUMI_ROOT=$(q "$(dirname "$BIN")")"
    echo "export PATH=$(q "$BIN"):\$PATH"
    echo "export PULUMI_HOME=$(q "$STATE/pulumi-home")"
    # The provider binaries are installed as plugins of that PULUMI_HOME: without this the
    # engine would take them from PATH and print a warning in every preview.
    echo "export PULUMI_IGNORE_AMBIENT_PLUGINS=true"
  fi
  local have=() line name
  for line in "${PIECES[@]}"; do
    name=${line%% *}
    if [ -n "$sys" ] || [ -x "$BIN/$name" ]; then have+=("$name"); fi
  done
  if [ -n "$sys" ] || [ -x "$BIN/$LAUNCHER" ]; then have+=("$LAUNCHER"); fi
  echo "export DOCKWIRE_TOOLCHAIN=$(q "${have[*]}")"
  echo "export PULUMI_BACKEND_URL=\${PULUMI_BACKEND_URL:-$(q "file://$STATE/state")}"
  echo "export PULUMI_CONFIG_PASSPHRASE=\${PULUMI_CONFIG_PASSPHRASE-dockwire-local}"
  echo "export PULUMI_SKIP_UPDATE_CHECK=true"
  echo "export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true"
  echo "export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true"
  echo "export PULUMI_DISABLE_CHECKPOINT_BACKUPS=true"
}

case "${1:-build}" in
  build) cmd_build ;;
  env) cmd_env ;;
  status) cmd_status ;;
  *) die "usage: $0 [build|env|status]" ;;
esac
