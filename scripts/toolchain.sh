#!/usr/bin/env bash
# The Pulumi toolchain dockwire runs on, without get.pulumi.com or GitHub downloads.
#
#   bash scripts/toolchain.sh          # find (or build) what is needed; prints what and where, with times
#   bash scripts/toolchain.sh env      # the same, then prints `export ...` lines for the engine env
#   bash scripts/toolchain.sh status   # what is required, what is optional, and what is available; builds nothing
#
# dockwire's Docker resources are its own dynamic resources (Pulumi Node.js dynamic providers),
# and its component provider (plugin `dockwire`) is described by a schema, so what it needs of
# Pulumi is:
#   required  pulumi                         the CLI and engine
#   required  pulumi-resource-pulumi-nodejs  the dynamic-provider launcher that serves them; a
#                                            released CLI ships it beside pulumi, and where it is
#                                            missing this script writes its own (a four-line sh
#                                            script) into its cache bin dir
#   optional  pulumi-language-nodejs         the Node.js language host, only for `pulumi up` in a
#                                            stack folder (Automation API inline programs, which
#                                            the tests use, need none)
#   optional  pulumi-language-yaml           the YAML language host: runs `runtime: yaml` programs,
#                                            the plainest consumer of the component provider
#   optional  pulumi-language-dotnet         the .NET language host: only `pulumi package gen-sdk
#                                            --language dotnet` uses it here (it calls the host's
#                                            GeneratePackage; no dotnet SDK is needed for that). Its
#                                            code generator downloads the schema's logoUrl (by default
#                                            a raw.githubusercontent.com address), so offline the
#                                            schema must name a logoUrl this machine can reach
#   optional  sdkgen                         dockwire's own SDK generator for Python and Go
#                                            (scripts/sdkgen): `pulumi package gen-sdk --language
#                                            python|go` calls the language host's GeneratePackage,
#                                            and no Python or Go language host can be had here (see
#                                            below). Not on PATH; `env` exports its folder as
#                                            DOCKWIRE_SDKGEN_PATH, for
#       PATH=$DOCKWIRE_SDKGEN_PATH:$PATH PULUMI_IGNORE_AMBIENT_PLUGINS=false pulumi package gen-sdk ...
#                                            (the env of a built CLI ignores plugins on PATH otherwise)
#   optional  pulumi-resource-docker         the docker and command provider plugins (their SDKs
#   optional  pulumi-resource-command        are npm @pulumi/docker and @pulumi/command): only the
#                                            interoperability test with those providers needs them
# DOCKWIRE_TOOLCHAIN (printed by `env`) lists the pieces that are really available; tests that
# need an optional piece skip when it is not listed.
#
# Where the pieces come from:
# - A `pulumi` on PATH that is not this script's own build (a normal user machine) is used, and
#   nothing is built. Its launcher and language host are the ones beside it (as given on PATH, or
#   with symlinks resolved: where the engine looks for bundled plugins); if the launcher is not
#   there, this script writes its own into its cache bin dir and `env` puts that dir on PATH
#   after the system pulumi's. The optional pieces count where the engine would find them: on
#   that PATH, beside pulumi, or installed as plugins (`pulumi plugin ls`).
#   The YAML and .NET language hosts count the same way; this script builds neither for a system
#   pulumi (a released CLI ships both beside it).
# - Otherwise pulumi and the YAML and .NET language hosts (and the Node.js one, if the proxy had
#   it) are built from the Go module proxy at pinned versions into a cache outside the work tree
#   (DOCKWIRE_CACHE, default ~/.cache/dockwire), once: a cold build of the CLI takes about 10
#   minutes on 2 cores, the two language hosts and sdkgen about a minute more with the Go build
#   cache the CLI left (46 s, 14 s and 4 s, 2026-12-04); a progress line every 30 s
#   (DOCKWIRE_TOOLCHAIN_TICK). The launcher is written beside them,
#   and the language hosts sit there too: the engine looks for its bundled language hosts beside
#   the pulumi it runs, which is also what PULUMI_IGNORE_AMBIENT_PLUGINS leaves it. A piece the
#   proxy refuses is recorded with the exact command and answer (refused/NAME.txt), and an
#   optional piece that fails to build with its log (failed/NAME.txt); either is reported on
#   every run, and tried again after a day, or at once with DOCKWIRE_TOOLCHAIN_RETRY=1.
# - The proxy serves no Python or Go language host (their modules answer 403), so sdkgen, a small
#   program of this repo that serves only GeneratePackage, is built from scripts/sdkgen (its own
#   go.mod and go.sum pin pulumi's code generators at the CLI's version; built with
#   -mod=readonly, so a build never rewrites them) into CACHE/toolchain/sdkgen-HASH, HASH from its
#   sources, with links named pulumi-language-python and pulumi-language-go. Where a real pair
#   of those hosts is found (a released CLI ships them beside pulumi), DOCKWIRE_SDKGEN_PATH names
#   their folder instead and nothing is built.
#   The docker and command providers are never built nor asked of the proxy (it cannot serve
#   them): a binary of either already in the cache bin dir is installed as a plugin of
#   .dockwire/pulumi-home (the PULUMI_HOME `env` sets), and one installed there by hand
#   (`PULUMI_HOME=.dockwire/pulumi-home pulumi plugin install resource docker 4.11.2 --file BINARY`)
#   is used as it is.
# Warm runs build nothing and do not touch the network.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PULUMI_VERSION=v3.259.0
# The YAML host: v1.30.1 (pulumi pkg v3.225.1 inside) builds with Go 1.26 and ran `runtime: yaml`
# programs under the v3.259.0 CLI; the proxy also serves v1.25.0. The .NET host: the proxy
# serves its module at v3.102.0 only (it lists no versions), so that version is the one.
YAML_VERSION=v1.30.1
DOTNET_VERSION=v3.102.0
# Built pieces: NAME MODULE PACKAGE VERSION VERSION_VARIABLE.
PIECES=(
  "pulumi github.com/pulumi/pulumi/pkg/v3 github.com/pulumi/pulumi/pkg/v3/cmd/pulumi $PULUMI_VERSION github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"
  "pulumi-language-nodejs github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 a05d88f24d05 github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"
  "pulumi-language-yaml github.com/pulumi/pulumi-yaml github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml $YAML_VERSION github.com/pulumi/pulumi-yaml/pkg/version.Version"
  "pulumi-language-dotnet github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3 github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3 $DOTNET_VERSION github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3/version.Version"
)
# The optional language hosts, in the order they are reported.
LANGUAGES=(pulumi-language-nodejs pulumi-language-yaml pulumi-language-dotnet)
LAUNCHER=pulumi-resource-pulumi-nodejs
# Optional provider plugins, never built: used when present (see above). The npm packages in
# package.json (@pulumi/docker 4.11.2, @pulumi/command 1.2.1) are their SDKs.
EXTRAS=(pulumi-resource-docker pulumi-resource-command)
# The version each binary reports (the engine matches plugins by it; a provider plugin counts
# from this version up, within its major version).
declare -A REPORTED=([pulumi]=$PULUMI_VERSION [pulumi-language-nodejs]=$PULUMI_VERSION
  [pulumi-language-yaml]=$YAML_VERSION [pulumi-language-dotnet]=$DOTNET_VERSION
  [pulumi-resource-docker]=v4.11.2 [pulumi-resource-command]=v1.2.1)
# Why an optional piece is wanted (status and build say it when the piece is missing).
declare -A ROLE=([pulumi-language-nodejs]="only \`pulumi up\` in a stack folder needs it"
  [pulumi-language-yaml]="runs \`runtime: yaml\` programs, e.g. of the dockwire component provider"
  [pulumi-language-dotnet]="only \`pulumi package gen-sdk --language dotnet\` needs it"
  [sdkgen]="only \`pulumi package gen-sdk --language python|go\` needs it, run with PATH=\$DOCKWIRE_SDKGEN_PATH:\$PATH PULUMI_IGNORE_AMBIENT_PLUGINS=false"
  [pulumi-resource-docker]="only programs that mix in @pulumi/docker resources, and the test of that (docker-interop-engine), need it"
  [pulumi-resource-command]="no dockwire resource or test needs it; listed for programs that mix in @pulumi/command resources")

CACHE=${DOCKWIRE_CACHE:-$HOME/.cache/dockwire}/toolchain
BIN=$CACHE/pulumi-$PULUMI_VERSION/bin   # PulumiCommand.get({ root }) expects ROOT/bin/pulumi
REFUSED=$CACHE/refused
FAILED=$CACHE/failed
SDKGEN_SRC=$ROOT/scripts/sdkgen
STATE=$ROOT/.dockwire
export PULUMI_SKIP_UPDATE_CHECK=true   # for the `pulumi version` and `pulumi plugin ls` run here

say() { echo "toolchain.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

# Progress while a long step runs: ticker_start LABEL START WHAT says
# "LABEL (N s elapsed; WHAT)" every DOCKWIRE_TOOLCHAIN_TICK seconds (default 30), N counted
# from SECONDS=START, until ticker_stop (also run on exit, so a failed or interrupted build
# leaves no ticker behind; the ticker also stops by itself once this script is gone).
TICKER=
ticker_start() {
  ticker_stop
  local label=$1 start=$2 what=$3 every=${DOCKWIRE_TOOLCHAIN_TICK:-30} parent=$$
  (
    nap=
    trap 'kill "$nap" 2>/dev/null; exit 0' TERM
    while :; do
      # sleep holds no pipe of ours: a caller reading our output is never kept waiting by it
      sleep "$every" >/dev/null 2>&1 &
      nap=$!
      wait "$nap" || true
      kill -0 "$parent" 2>/dev/null || exit 0
      say "$label ($((SECONDS - start)) s elapsed; $what)"
    done
  ) </dev/null >/dev/null &
  TICKER=$!
}
ticker_stop() {
  [ -n "$TICKER" ] || return 0
  kill "$TICKER" 2>/dev/null || true
  wait "$TICKER" 2>/dev/null || true
  TICKER=
}
trap ticker_stop EXIT

system_pulumi() { # a user's own pulumi: the first on PATH, unless it is this script's own build
  local p
  p=$(command -v pulumi 2>/dev/null) || return 1
  case "$p" in /*) ;; *) return 1 ;; esac
  [ -x "$p" ] || return 1
  [ "$p" != "$BIN/pulumi" ] || return 1
  ! [ "$(dirname "$p")" -ef "$BIN" ] || return 1
  echo "$p"
}
SYS=$(system_pulumi) || SYS=

beside_system() { # NAME: NAME's path if it is beside the system pulumi, as found on PATH or with symlinks resolved
  local d
  for d in "$(dirname "$SYS")" "$(dirname "$(readlink -f "$SYS")")"; do
    if [ -x "$d/$1" ]; then echo "$d/$1"; return 0; fi
  done
  return 1
}

# With a system pulumi the engine runs with PATH, plus the cache bin dir when the launcher is
# this script's own (OWN_LAUNCHER=1: it is not beside that pulumi).
OWN_LAUNCHER=0
ENGINE_PATH=$PATH
if [ -n "$SYS" ] && ! beside_system "$LAUNCHER" >/dev/null; then
  OWN_LAUNCHER=1
  case ":$PATH:" in *":$BIN:"*) ;; *) ENGINE_PATH=$PATH:$BIN ;; esac
fi

on_engine_path() { # NAME: its path if the engine would find it on its PATH (an "ambient" plugin)
  local d dirs
  IFS=: read -ra dirs <<<"$ENGINE_PATH"
  for d in "${dirs[@]}"; do
    [ -n "$d" ] || continue
    if [ -x "$d/$1" ] && [ -f "$d/$1" ]; then echo "$d/$1"; return 0; fi
  done
  return 1
}

PLUGINS=
PLUGINS_LOADED=0
load_plugins() { # once: "NAME KIND VERSION" lines of the plugins installed for the pulumi in use (offline)
  [ "$PLUGINS_LOADED" = 0 ] || return 0
  PLUGINS_LOADED=1
  if [ -n "$SYS" ]; then
    PLUGINS=$("$SYS" plugin ls </dev/null 2>/dev/null | awk 'NR > 1 && NF >= 3 { print $1, $2, $3 }') || PLUGINS=
  elif [ -x "$BIN/pulumi" ] && [ -d "$STATE/pulumi-home/plugins" ]; then
    PLUGINS=$(PULUMI_HOME=$STATE/pulumi-home "$BIN/pulumi" plugin ls </dev/null 2>/dev/null |
      awk 'NR > 1 && NF >= 3 { print $1, $2, $3 }') || PLUGINS=
  fi
}

version_ok() { # HAVE WANT (no leading v): HAVE is WANT or newer, within WANT's major version
  [ "${1%%.*}" = "${2%%.*}" ] && [ "$(printf '%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]
}

installed_plugin() { # NAME: "plugin VERSION" if NAME is installed as a plugin the engine would take
  local name=$1 plugin kind want v best=
  case "$name" in
    pulumi-language-*) kind=language plugin=${name#pulumi-language-} want= ;;
    pulumi-resource-*) kind=resource plugin=${name#pulumi-resource-} want=${REPORTED[$name]#v} ;;
    *) return 1 ;;
  esac
  load_plugins
  while read -r v; do
    [ -n "$v" ] || continue
    if [ -z "$want" ] || version_ok "$v" "$want"; then best=$v; fi
  done < <(awk -v n="$plugin" -v k="$kind" '$1 == n && $2 == k { print $3 }' <<<"$PLUGINS" | sort -V)
  [ -n "$best" ] || return 1
  echo "plugin $kind $plugin v$best"
}

WHERE=
locate() { # NAME: sets WHERE to where the engine will find NAME (a path, or "plugin ..."); fails if nowhere
  local name=$1
  WHERE=
  if [ -n "$SYS" ]; then
    if [ "$name" = pulumi ]; then WHERE=$SYS; return 0; fi
    WHERE=$(on_engine_path "$name") && return 0
    case "$name" in "$LAUNCHER" | pulumi-language-*) # bundled plugins: also beside the resolved binary
      WHERE=$(beside_system "$name") && return 0 ;;
    esac
  else
    # PULUMI_IGNORE_AMBIENT_PLUGINS is set: the pieces beside $BIN/pulumi, and installed plugins
    if [ -x "$BIN/$name" ]; then WHERE=$BIN/$name; return 0; fi
  fi
  case "$name" in pulumi-language-* | pulumi-resource-*) ;; *) WHERE=; return 1 ;; esac
  [ "$name" != "$LAUNCHER" ] || { WHERE=; return 1; }
  load_plugins   # here, not in a subshell, so that `pulumi plugin ls` runs once
  WHERE=$(installed_plugin "$name") && return 0
  WHERE=
  return 1
}

proxy_only() { # the configured module proxy without the `direct` fallback: ask the proxy, not origin servers
  local p; p=$(go env GOPROXY); p=${p%,direct}; p=${p%|direct}
  if [ -n "$p" ] && [ "$p" != direct ] && [ "$p" != off ]; then echo "$p"; else go env GOPROXY; fi
}

# A refusal by the proxy (REFUSED) or a failed build of an optional piece (FAILED) is remembered
# for a day, so that warm runs stay offline and instant; then it is tried again.
remembered() { # NAME: says so and succeeds if NAME was refused or failed to build within a day
  local name=$1 dir file
  [ "${DOCKWIRE_TOOLCHAIN_RETRY:-0}" != 1 ] || return 1
  for dir in "$REFUSED" "$FAILED"; do
    file=$dir/$name.txt
    if ! [ -f "$file" ] || [ -n "$(find "$file" -mmin +1440)" ]; then continue; fi
    if [ "$dir" = "$REFUSED" ]; then
      say "$name: NOT AVAILABLE, the Go module proxy refused it (recorded $(head -1 "$file")):"
    else
      say "$name: NOT AVAILABLE, its build failed (recorded $(head -1 "$file"); DOCKWIRE_TOOLCHAIN_RETRY=1 tries again):"
    fi
    sed -n '2,$p' "$file" | sed 's/^/    /' >&2
    return 0
  done
  return 1
}

build_failed() { # NAME WORK LOG: a required piece stops the script; an optional one is recorded and skipped
  local name=$1 work=$2 log=$3
  ticker_stop
  tail -30 "$log" >&2
  [ "$name" != pulumi ] || die "$name: build failed (logs in $work)"
  mkdir -p "$FAILED"
  { date -u +%Y-%m-%dT%H:%M:%SZ; echo "logs in $work"; tail -5 "$log"; } >"$FAILED/$name.txt"
  say "$name: NOT AVAILABLE, its build failed (logs in $work; optional, so the run goes on)"
}

build_piece() { # NAME MODULE PACKAGE VERSION VERVAR
  local name=$1 module=$2 pkg=$3 version=$4 vervar=$5
  local out=$BIN/$name stamp=$BIN/.$name.version
  # The stamp holds the version a binary was built at, so that changing a pin here rebuilds it.
  # (A binary without one, put there by hand or by an older version of this script, is kept.)
  if [ -x "$out" ] && { [ ! -f "$stamp" ] || [ "$(cat "$stamp")" = "$version" ]; }; then
    say "$name: cached at $out"
    return 0
  fi
  remembered "$name" && return 0
  if ! command -v go >/dev/null 2>&1; then
    [ "$name" != pulumi ] ||
      die "go is not installed: pulumi is built from the Go module proxy (install Go 1.24+), or put a pulumi on PATH"
    say "$name: NOT AVAILABLE, go is not installed (it is built from the Go module proxy)"
    return 0
  fi
  local start=$SECONDS work
  work=$CACHE/src/$name-$version
  mkdir -p "$work" "$BIN" "$REFUSED"
  # Ask the proxy first: a refusal is cheap to detect and must be reported exactly.
  local probe answer
  probe="GOPROXY=$(proxy_only) go mod download -json $module@$version"
  ticker_start "$name: building" "$start" "asking the Go module proxy for $module@$version"
  if ! answer=$(cd "$work" && { [ -f go.mod ] || go mod init "dockwire.toolchain/$name" >/dev/null 2>&1; } &&
    GOFLAGS=-mod=mod GOPROXY="$(proxy_only)" go mod download -json "$module@$version" 2>&1); then
    ticker_stop
    { date -u +%Y-%m-%dT%H:%M:%SZ; echo "\$ $probe"; grep -E '"Error"' <<<"$answer" || echo "$answer"; } >"$REFUSED/$name.txt"
    say "$name: NOT AVAILABLE, the Go module proxy refused it:"
    sed -n '2,$p' "$REFUSED/$name.txt" | sed 's/^/    /' >&2
    return 0
  fi
  ticker_stop
  if grep -q '"Error"' <<<"$answer"; then
    { date -u +%Y-%m-%dT%H:%M:%SZ; echo "\$ $probe"; grep -E '"Error"' <<<"$answer"; } >"$REFUSED/$name.txt"
    say "$name: NOT AVAILABLE, the Go module proxy refused it:"
    sed -n '2,$p' "$REFUSED/$name.txt" | sed 's/^/    /' >&2
    return 0
  fi
  rm -f "$REFUSED/$name.txt" "$FAILED/$name.txt"
  say "$name: building $pkg@$version (this takes minutes the first time; a progress line every ${DOCKWIRE_TOOLCHAIN_TICK:-30} s)"
  local deps=("$pkg@$version")
  [ "$name" = pulumi ] && deps+=("github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION")
  ticker_start "$name: building" "$start" "go get of ${deps[*]}: downloading modules"
  if ! (cd "$work" && go get "${deps[@]}" >"$work/get.log" 2>&1); then
    build_failed "$name" "$work" "$work/get.log"
    return 0
  fi
  ticker_start "$name: building" "$start" "go build of $pkg@$version"
  if ! (cd "$work" && go build -trimpath -ldflags "-s -w -X $vervar=${REPORTED[$name]}" -o "$out.tmp" "$pkg" >"$work/build.log" 2>&1); then
    build_failed "$name" "$work" "$work/build.log"
    return 0
  fi
  ticker_stop
  mv "$out.tmp" "$out"
  echo "$version" >"$stamp"
  say "$name: built $out in $((SECONDS - start)) s"
}

# sdkgen (see the header). Its folder is named by a hash of its sources, so an edit of them
# builds anew and a warm run only hashes three small files.
sdkgen_dir() {
  local hash
  hash=$(cd "$SDKGEN_SRC" && for f in go.mod go.sum ./*.go; do echo "$f"; cat "$f"; done | sha256sum) ||
    die "cannot read $SDKGEN_SRC"
  echo "$CACHE/sdkgen-${hash:0:16}"
}

SDKGEN_PATH='' SDKGEN_REAL=0
find_sdkgen() { # sets SDKGEN_PATH to the folder gen-sdk should find python/go hosts in (SDKGEN_REAL=1: real ones); builds nothing
  local py dir
  SDKGEN_PATH='' SDKGEN_REAL=0
  # Real hosts (a released CLI's, beside a system pulumi, or on its PATH) are preferred: both
  # in one folder, and not links to a build of sdkgen (a PATH that has DOCKWIRE_SDKGEN_PATH on it).
  if locate pulumi-language-python && [ -f "$WHERE" ]; then
    py=$WHERE
    if locate pulumi-language-go && [ -f "$WHERE" ] && [ "$(dirname "$py")" = "$(dirname "$WHERE")" ]; then
      case "$(readlink -f "$py") $(readlink -f "$WHERE")" in
        "$CACHE"/sdkgen-* | *" $CACHE"/sdkgen-*) ;;
        *) SDKGEN_PATH=$(dirname "$py") SDKGEN_REAL=1; return 0 ;;
      esac
    fi
  fi
  dir=$(sdkgen_dir)
  if [ -x "$dir/sdkgen" ] && [ -L "$dir/pulumi-language-python" ] && [ -L "$dir/pulumi-language-go" ]; then
    SDKGEN_PATH=$dir
    return 0
  fi
  return 1
}

build_sdkgen() { # finds real python/go hosts, or builds scripts/sdkgen; sets SDKGEN_PATH when there is one
  if find_sdkgen; then
    if [ "$SDKGEN_REAL" = 1 ]; then
      say "sdkgen: not needed, real pulumi-language-python and pulumi-language-go are in $SDKGEN_PATH (DOCKWIRE_SDKGEN_PATH)"
    else
      say "sdkgen: cached at $SDKGEN_PATH (DOCKWIRE_SDKGEN_PATH)"
    fi
    return 0
  fi
  local dir name start=$SECONDS
  dir=$(sdkgen_dir)
  name=$(basename "$dir")   # failures are remembered per version of the sources: an edit tries at once
  remembered "$name" && return 0
  if ! command -v go >/dev/null 2>&1; then
    say "sdkgen: NOT AVAILABLE, go is not installed (it is built from scripts/sdkgen)"
    return 0
  fi
  mkdir -p "$dir"
  say "sdkgen: building scripts/sdkgen into $dir (a minute or two the first time; a progress line every ${DOCKWIRE_TOOLCHAIN_TICK:-30} s)"
  ticker_start "sdkgen: building" "$start" "go build of scripts/sdkgen, with the modules its go.sum pins"
  # -mod=readonly: a build reads go.mod and go.sum and never rewrites them (a user's GOFLAGS may
  # say -mod=mod; it is cleared here, as is any go.work above the repo). Output only goes to $dir.
  if ! (cd "$SDKGEN_SRC" && GOFLAGS='' GOWORK=off go build -mod=readonly -trimpath -buildvcs=false -ldflags "-s -w" \
    -o "$dir/sdkgen.tmp" . >"$dir/build.log" 2>&1); then
    build_failed "$name" "$dir" "$dir/build.log"
    return 0
  fi
  ticker_stop
  mv "$dir/sdkgen.tmp" "$dir/sdkgen"
  ln -sfn sdkgen "$dir/pulumi-language-python"
  ln -sfn sdkgen "$dir/pulumi-language-go"
  rm -f "$FAILED/$name.txt"
  # Builds of older sources go after a week unused (another checkout may still be on one).
  find "$CACHE" -maxdepth 1 -type d -name 'sdkgen-*' ! -name "$name" -mtime +7 -exec rm -rf {} + 2>/dev/null || true
  SDKGEN_PATH=$dir
  say "sdkgen: built $dir in $((SECONDS - start)) s (DOCKWIRE_SDKGEN_PATH; not on PATH)"
}

write_launcher() { # the dynamic-provider launcher a released CLI ships beside pulumi (dockwire's dynamic resources need it)
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

report_optional() { # NAME...: says where each optional piece is, or that it is missing and who needs it
  local name
  for name in "$@"; do
    if locate "$name"; then say "$name: $WHERE"
    else say "$name: not available (optional: ${ROLE[$name]})"; fi
  done
}

cmd_build() {
  if [ -n "$SYS" ]; then
    say "pulumi: using the one on PATH, $SYS (nothing is built)"
    if [ "$OWN_LAUNCHER" = 1 ]; then
      write_launcher
      say "$LAUNCHER: not beside $SYS; using $BIN/$LAUNCHER (env puts $BIN on PATH after it)"
    else
      say "$LAUNCHER: $(beside_system "$LAUNCHER")"
    fi
    report_optional "${LANGUAGES[@]}" "${EXTRAS[@]}"
    build_sdkgen
    return 0
  fi
  local line
  for line in "${PIECES[@]}"; do
    # shellcheck disable=SC2086
    build_piece $line
  done
  write_launcher
  "$BIN/pulumi" version >/dev/null 2>&1 || die "$BIN/pulumi does not run"
  report_optional "${EXTRAS[@]}"   # build_piece has said where the language hosts are, or why not
  build_sdkgen
}

cmd_status() {
  local name v tier line
  if [ -n "$SYS" ]; then
    v=$("$SYS" version 2>/dev/null) || v="(does not run)"
    echo "source: the pulumi on PATH, $SYS $v; nothing is built"
  else
    echo "source: built from the Go module proxy into $BIN"
  fi
  for name in pulumi "$LAUNCHER" "${LANGUAGES[@]}" "${EXTRAS[@]}"; do
    case "$name" in pulumi | "$LAUNCHER") tier=required ;; *) tier=optional ;; esac
    line=""
    if locate "$name"; then
      if [ "$name" = pulumi ] && [ -z "$SYS" ]; then line="${REPORTED[pulumi]} $WHERE"
      elif [ "$name" = "$LAUNCHER" ] && [ "$WHERE" = "$BIN/$LAUNCHER" ]; then line="$WHERE (written by scripts/toolchain.sh)"
      elif [ "$WHERE" = "$BIN/$name" ] && [ -f "$BIN/.$name.version" ] && [ "$(cat "$BIN/.$name.version")" != "${REPORTED[$name]}" ]; then
        line="$WHERE, built at $(cat "$BIN/.$name.version"): \`bash scripts/toolchain.sh\` rebuilds it at ${REPORTED[$name]}"
      else line=$WHERE; fi
      [ "$tier" = optional ] && line+=" (${ROLE[$name]})"
    elif [ "$name" = "$LAUNCHER" ]; then
      line="missing: \`bash scripts/toolchain.sh\` writes it to $BIN"
    elif [ "$name" = pulumi ]; then
      line="missing: \`bash scripts/toolchain.sh\` builds it (about 10 minutes cold)"
    elif [ "${name#pulumi-language-}" != "$name" ]; then   # a language host: built here unless the pulumi is the user's
      if [ -n "$SYS" ]; then line="missing (${ROLE[$name]})"
      elif [ -f "$REFUSED/$name.txt" ]; then line="refused by the Go module proxy, see $REFUSED/$name.txt (${ROLE[$name]})"
      elif [ -f "$FAILED/$name.txt" ]; then line="its build failed, see $FAILED/$name.txt (${ROLE[$name]})"
      else line="missing: \`bash scripts/toolchain.sh\` builds it (${ROLE[$name]})"; fi
    else
      line="missing (${ROLE[$name]}; never built: the Go module proxy cannot serve it). To add it, "
      if [ -n "$SYS" ]; then line+="install it as a plugin (pulumi plugin install resource ${name#pulumi-resource-} ${REPORTED[$name]#v})"
      else line+="put a binary at $BIN/$name or install it as a plugin of .dockwire/pulumi-home"; fi
    fi
    printf '%-8s %-29s %s\n' "$tier" "$name" "$line"
  done
  if find_sdkgen; then
    if [ "$SDKGEN_REAL" = 1 ]; then line="real language hosts in $SDKGEN_PATH"
    else line="$SDKGEN_PATH, built from scripts/sdkgen"; fi
  elif [ -f "$FAILED/$(basename "$(sdkgen_dir)").txt" ]; then
    line="its build failed, see $FAILED/$(basename "$(sdkgen_dir)").txt"
  else
    line="missing: \`bash scripts/toolchain.sh\` builds it from scripts/sdkgen"
  fi
  printf '%-8s %-29s %s\n' optional sdkgen "$line (${ROLE[sdkgen]})"
}

install_plugins() { # HOME: installs the cached provider binaries as plugins of that PULUMI_HOME, once
  local home=$1 name kind plugin version
  for name in "${EXTRAS[@]}"; do
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

system_root() { # a ROOT whose ROOT/bin/pulumi is the system pulumi (PulumiCommand.get({ root }) wants that layout)
  local root
  root=$(dirname "$(dirname "$SYS")")
  if [ "$root/bin/pulumi" -ef "$SYS" ]; then echo "$root"; return 0; fi
  root=$CACHE/system-pulumi
  if [ "$(readlink "$root/bin/pulumi" 2>/dev/null)" != "$SYS" ]; then
    mkdir -p "$root/bin"
    ln -sfn "$SYS" "$root/bin/pulumi"
  fi
  echo "$root"
}

cmd_env() {
  cmd_build
  q() { printf '%q' "$1"; }
  mkdir -p "$STATE/state"
  if [ -n "$SYS" ]; then
    local root
    root=$(system_root)
    echo "export DOCKWIRE_PULUMI_ROOT=$(q "$root")"
    if [ "$ENGINE_PATH" != "$PATH" ]; then echo "export PATH=\$PATH:$(q "$BIN")"; fi
  else
    mkdir -p "$STATE/pulumi-home"
    install_plugins "$STATE/pulumi-home"
    echo "export DOCKWIRE_PULUMI_ROOT=$(q "$(dirname "$BIN")")"
    echo "export PATH=$(q "$BIN"):\$PATH"
    echo "export PULUMI_HOME=$(q "$STATE/pulumi-home")"
    # The provider binaries are installed as plugins of that PULUMI_HOME: without this the
    # engine would take them from PATH and print a warning in every preview. (The launcher and
    # the language host are found beside $BIN/pulumi, as bundled plugins.)
    echo "export PULUMI_IGNORE_AMBIENT_PLUGINS=true"
  fi
  local have=() name
  for name in pulumi "$LAUNCHER" "${LANGUAGES[@]}" "${EXTRAS[@]}"; do
    if locate "$name"; then have+=("$name"); fi
  done
  # sdkgen: the folder to put first on PATH for `pulumi package gen-sdk --language python|go`
  # only (with PULUMI_IGNORE_AMBIENT_PLUGINS=false where that is set above); never on PATH here.
  if [ -n "$SDKGEN_PATH" ]; then
    have+=(sdkgen)
    echo "export DOCKWIRE_SDKGEN_PATH=$(q "$SDKGEN_PATH")"
  else
    echo "unset DOCKWIRE_SDKGEN_PATH"
  fi
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
