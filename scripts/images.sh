#!/usr/bin/env bash
# dockwire's offline images, built without any container registry.
#
#   bash scripts/images.sh                # build what is missing or out of date
#   bash scripts/images.sh --print-names  # print the image names, one a line
#   bash scripts/images.sh --rebuild      # ignore the image labels and the tarball cache
#
# Images:
#   dockwire/app:local      Debian minbase (debootstrap) with redis, python3 + flask + redis,
#                           iproute2, iputils-ping, curl, procps.  CMD ["/bin/bash"]
#   dockwire/busybox:local  one static busybox binary, every applet linked in /bin.  CMD ["sh"]
#
# Caching: each image's recipe (its section of this script between the "recipe" markers,
# the Debian suite and architecture / the busybox binary) is hashed, and the hash is stored
# on the image as the label dockwire.recipe.  An image whose label matches is skipped.
# The debootstrap result is kept as a compressed tarball in
#   ${DOCKWIRE_CACHE:-$HOME/.cache/dockwire}/images/app-<hash>.tar.zst (.tar.gz without zstd)
# so that a daemon that lost its images re-imports it in seconds; the .debs debootstrap
# downloads are kept in .../images/debs.
#
# Environment:
#   DOCKER_HOST             daemon to use; when unset, `scripts/daemon.sh up` provides one
#   DOCKWIRE_CACHE          cache root (default $HOME/.cache/dockwire)
#   DOCKWIRE_DEBIAN_MIRROR  Debian mirror for debootstrap (default: the bookworm mirror
#                           configured in /etc/apt that answers)
#   DOCKWIRE_DEBIAN_SUITE   Debian suite (default bookworm; part of the recipe hash)
#
# Progress and results go to stderr; stdout is used only by --print-names.
set -Eeuo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"

APP_IMAGE=dockwire/app:local
BUSYBOX_IMAGE=dockwire/busybox:local

SUITE=${DOCKWIRE_DEBIAN_SUITE:-bookworm}
CACHE_DIR=${DOCKWIRE_CACHE:-${HOME:-/root}/.cache/dockwire}/images
BUSYBOX_BIN=/bin/busybox

# Bounds on the slow steps (seconds).
APT_TIMEOUT=900
DEBOOTSTRAP_TIMEOUT=1800
DOCKER_TIMEOUT=600

# Messages go to fd 3, a copy of the original stderr, so that they are seen even while a
# function's output is redirected to a log (as during debootstrap).
exec 3>&2
say() { echo "images.sh: $*" >&3; }
die() { say "error: $*"; exit 1; }
STEP="starting"
on_err() { say "error: $STEP: command failed (exit $1, line $2): $3"; }
trap 'on_err $? $LINENO "$BASH_COMMAND"' ERR

usage() {
  cat >&2 <<EOF
usage: bash scripts/images.sh [--print-names | --rebuild | --help]
  (no option)    build $APP_IMAGE and $BUSYBOX_IMAGE when missing or out of date
  --print-names  print the image names, one a line, and exit
  --rebuild      rebuild both images from scratch (ignores labels and the tarball cache)
EOF
}

REBUILD=0
case "${1:-}" in
  "") ;;
  --print-names) printf '%s\n' "$APP_IMAGE" "$BUSYBOX_IMAGE"; exit 0 ;;
  --rebuild) REBUILD=1 ;;
  -h|--help) usage; exit 0 ;;
  *) usage; die "unknown argument: $1" ;;
esac
[ $# -le 1 ] || { usage; die "too many arguments"; }

# ---------------------------------------------------------------------------------------
# helpers

now_ns() { date +%s%N; }
since() { # since START_NS -> "12.3 s"
  awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.1f s", (b - a) / 1e9 }'
}
human_size() { # human_size BYTES
  awk -v n="$1" 'BEGIN { split("B KB MB GB", u); i = 1; while (n >= 1000 && i < 4) { n /= 1000; i++ } printf (i == 1 ? "%d %s" : "%.1f %s"), n, u[i] }'
}

recipe_section() { # recipe_section NAME -> the lines of this script between NAME's markers
  local text
  text=$(sed -n "/^# >>> recipe: $1\$/,/^# <<< recipe: $1\$/p" "$SELF")
  [ -n "$text" ] || die "internal: no recipe section '$1' in $SELF"
  printf '%s\n' "$text"
}

hash16() { sha256sum | cut -c1-16; }

is_static() { # is_static FILE -> 0 when FILE is an executable that needs no dynamic loader
  [ -x "$1" ] || return 1
  local out
  out=$(LC_ALL=C ldd "$1" 2>&1 || true)
  case "$out" in *"not a dynamic executable"*|*"statically linked"*) return 0 ;; esac
  return 1
}

APT_UPDATED=0
apt_install() { # apt_install PKG... (installs from the machine's Debian repositories)
  command -v apt-get >/dev/null 2>&1 || die "need the package(s) $* but apt-get is not available; install them by hand"
  [ "$(id -u)" = 0 ] || die "need the package(s) $* installed; run as root (or install them first)"
  export DEBIAN_FRONTEND=noninteractive
  local log; log=$(mktemp)
  if [ "$APT_UPDATED" = 0 ]; then
    say "apt-get update (to install $*)"
    if ! run_bounded "$APT_TIMEOUT" apt-get update -q >"$log" 2>&1; then
      tail -n 15 "$log" >&3; rm -f "$log"
      die "apt-get update failed (needed to install $*)"
    fi
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  if ! run_bounded "$APT_TIMEOUT" apt-get install -y -q --no-install-recommends "$@" >"$log" 2>&1; then
    tail -n 15 "$log" >&3; rm -f "$log"
    die "apt-get install $* failed"
  fi
  rm -f "$log"
}

need_busybox() {
  is_static "$BUSYBOX_BIN" && return 0
  apt_install busybox-static
  is_static "$BUSYBOX_BIN" || die "$BUSYBOX_BIN is missing or not statically linked, even after installing busybox-static"
}

need_debootstrap() {
  local pkgs=()
  command -v debootstrap >/dev/null 2>&1 || pkgs+=(debootstrap)
  [ -s /usr/share/keyrings/debian-archive-keyring.gpg ] || pkgs+=(debian-archive-keyring)
  command -v wget >/dev/null 2>&1 || command -v curl >/dev/null 2>&1 || pkgs+=(wget)
  [ ${#pkgs[@]} = 0 ] || apt_install "${pkgs[@]}"
}

want_zstd() { # install zstd when we can; without it the cache falls back to gzip
  command -v zstd >/dev/null 2>&1 && return 0
  ( apt_install zstd ) || say "warning: could not install zstd; the rootfs cache will use gzip"
  command -v zstd >/dev/null 2>&1 || true
}

# The temp build directory: removed on exit, after unmounting anything a failed debootstrap
# may have left mounted inside it (/proc, /sys, /dev/pts), never crossing file systems.
remove_tree() { # remove_tree DIR
  local dir=$1 m
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  # mount points below DIR, deepest first
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v p="$dir/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r)
  rm -rf --one-file-system "$dir" 2>/dev/null || rm -rf --one-file-system "$dir" || say "warning: could not remove $dir"
}
# run_bounded SECONDS CMD...: CMD under timeout, in the background and waited for, so that
# INT/TERM run our traps at once (which then stop it) instead of after it finishes.
CHILD=""
run_bounded() {
  local secs=$1 rc=0; shift
  timeout "$secs" "$@" &
  CHILD=$!
  wait "$CHILD" || rc=$?
  CHILD=""
  [ "$rc" != 124 ] || say "error: '$1' timed out after $secs s"
  return "$rc"
}

TMP=""
cleanup() {
  local i
  if [ -n "$CHILD" ] && kill -0 "$CHILD" 2>/dev/null; then
    say "stopping pid $CHILD and its process group"
    kill -TERM "$CHILD" 2>/dev/null || true   # timeout passes it on to its whole process group
    for i in $(seq 1 60); do kill -0 "$CHILD" 2>/dev/null || break; sleep 0.5; done   # <= 30 s
    : "$i"
  fi
  remove_tree "$TMP"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM

docker_q() { timeout "$DOCKER_TIMEOUT" docker "$@"; }

image_label() { # image_label IMAGE -> value of dockwire.recipe, empty when absent
  local v
  v=$(docker image inspect --format '{{ index .Config.Labels "dockwire.recipe" }}' "$1" 2>/dev/null || true)
  [ "$v" = "<no value>" ] || echo "$v"
}
image_size() { docker image inspect --format '{{ .Size }}' "$1" 2>/dev/null || echo 0; }

# import_tar IMAGE HASH DECOMPRESSOR FILE CHANGE...  (DECOMPRESSOR "cat" for a plain tar)
import_tar() {
  local image=$1 hash=$2 decomp=$3 file=$4; shift 4
  local changes=() c kind old
  for c in "$@"; do
    changes+=(--change "$c")
    case "$c" in "LABEL dockwire.image="*) kind=${c#LABEL dockwire.image=} ;; esac
  done
  changes+=(--change "LABEL dockwire.recipe=$hash")
  if ! $decomp <"$file" | docker_q import "${changes[@]}" --message "dockwire scripts/images.sh" - "$image" >/dev/null; then
    return 1
  fi
  # Re-tagging leaves the previous image of this kind dangling: remove such images (best
  # effort: one still used by a container stays).
  for old in $(docker images -q --filter dangling=true --filter "label=dockwire.image=${kind:-none}" 2>/dev/null || true); do
    docker rmi "$old" >/dev/null 2>&1 || true
  done
}

# ---------------------------------------------------------------------------------------
# app image

# >>> recipe: app
APP_VARIANT=minbase
APP_PACKAGES=(
  redis-server redis-tools
  python3 python3-flask python3-redis
  iproute2 iputils-ping curl procps
)
APP_CHANGES=(
  'CMD ["/bin/bash"]'
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'LABEL dockwire.image=app'
)

# app_rootfs DIR MIRROR LOG: debootstrap into DIR, then trim it for an image.
app_rootfs() {
  local root=$1 mirror=$2 log=$3 list
  case "$root" in /?*/*) ;; *) die "internal: refusing to build a root file system in '$root'" ;; esac
  list=$(IFS=,; echo "${APP_PACKAGES[*]}")
  mkdir -p "$CACHE_DIR/debs"
  if ! run_bounded "$DEBOOTSTRAP_TIMEOUT" debootstrap --variant="$APP_VARIANT" --include="$list" \
    --cache-dir="$CACHE_DIR/debs" "$SUITE" "$root" "$mirror" >"$log" 2>&1; then
    if [ -s "$log" ]; then say "last lines of the debootstrap log:"; tail -n 30 "$log" >&3; fi
    die "debootstrap of Debian $SUITE ($APP_VARIANT, with ${APP_PACKAGES[*]}) from $mirror failed (see above)"
  fi
  STEP="trimming the app root file system"

  # Like debian:slim: no docs (except copyright), man pages or translations, now and
  # for whatever is installed in the container later.
  cat >"$root/etc/dpkg/dpkg.cfg.d/dockwire-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  find "$root/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "${root:?}"/usr/share/man/* "${root:?}"/usr/share/info/*
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +

  chroot "$root" apt-get clean
  rm -rf "${root:?}"/var/lib/apt/lists/* "${root:?}"/var/cache/apt/*.bin
  rm -f "${root:?}"/var/cache/debconf/*-old "${root:?}"/var/lib/dpkg/*-old
  find "$root/var/log" -type f -delete
  rm -rf --one-file-system "${root:?}"/tmp/* "${root:?}"/var/tmp/* "${root:?}"/dev/* "${root:?}"/run/*
  # docker provides these at run time; do not ship the build machine's
  rm -f "$root/etc/resolv.conf" "$root/etc/hostname"
}
# <<< recipe: app

app_hash() {
  {
    recipe_section app
    echo "suite=$SUITE"
    echo "arch=$(dpkg --print-architecture 2>/dev/null || uname -m)"
  } | hash16
}

# mirror_candidates: http(s) URIs configured in /etc/apt for "deb ... $SUITE ..." lines
mirror_candidates() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v s="$SUITE" '
      $1 == "deb" {
        i = 2
        if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        if ($(i + 1) == s) print $i
      }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v s="$SUITE" '
      function flush(   n, k, t, u) {
        if (enabled != "no" && (" " types " ") ~ / deb / && (" " suites " ") ~ (" " s " ")) {
          n = split(uris, u, /[ \t]+/)
          for (k = 1; k <= n; k++) if (u[k] != "") print u[k]
        }
        types = uris = suites = key = ""; enabled = "yes"
      }
      BEGIN { enabled = "yes" }
      /^[ \t]*$/ { flush(); next }
      /^#/ { next }
      /^[ \t]/ { if (key == "uris") uris = uris " " $0; else if (key == "suites") suites = suites " " $0; next }
      {
        c = index($0, ":"); if (c == 0) next
        key = tolower(substr($0, 1, c - 1)); v = substr($0, c + 1); gsub(/^[ \t]+|[ \t]+$/, "", v)
        if (key == "types") types = v
        else if (key == "uris") uris = v
        else if (key == "suites") suites = v
        else if (key == "enabled") enabled = tolower(v)
      }
      END { flush() }' "$f"
  done
}

mirror_answers() { # mirror_answers URI -> 0 when URI/dists/SUITE/Release can be fetched
  local url="$1/dists/$SUITE/Release"
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 15 -o /dev/null "$url" 2>/dev/null
  else
    wget -q -T 15 -t 1 -O /dev/null "$url" 2>/dev/null
  fi
}

pick_mirror() {
  if [ -n "${DOCKWIRE_DEBIAN_MIRROR:-}" ]; then
    echo "${DOCKWIRE_DEBIAN_MIRROR%/}"
    return 0
  fi
  local m seen=" "
  while read -r m; do
    m=${m%/}
    case "$m" in http://*|https://*) ;; *) continue ;; esac
    case "$seen" in *" $m "*) continue ;; esac
    seen="$seen$m "
    if mirror_answers "$m"; then echo "$m"; return 0; fi
    say "configured mirror $m does not answer for $SUITE; trying the next one"
  done < <(mirror_candidates)
  die "no Debian mirror found: none of the http(s) URIs in /etc/apt answers for $SUITE; set DOCKWIRE_DEBIAN_MIRROR to a mirror's URL"
}

cached_tarball() { # cached_tarball HASH -> path of an existing cached tarball, if any
  local f
  for f in "$CACHE_DIR/app-$1.tar.zst" "$CACHE_DIR/app-$1.tar.gz"; do
    if [ -s "$f" ]; then
      case "$f" in *.zst) command -v zstd >/dev/null 2>&1 || continue ;; esac
      echo "$f"; return 0
    fi
  done
  return 1
}
decompressor_for() { case "$1" in *.zst) echo "zstd -dcq" ;; *.gz) echo "gzip -dc" ;; *) echo cat ;; esac; }

build_app() {
  local t0 hash label tarball
  t0=$(now_ns)
  hash=$(app_hash)
  label=$(image_label "$APP_IMAGE")
  if [ "$REBUILD" = 0 ] && [ "$label" = "$hash" ]; then
    say "app image up to date ($APP_IMAGE, recipe $hash, $(since "$t0"))"
    return 0
  fi
  if [ "$REBUILD" = 1 ]; then
    say "app: --rebuild: building $APP_IMAGE from scratch"
  elif [ -n "$label" ]; then
    say "app: $APP_IMAGE has recipe $label, the script wants $hash: rebuilding"
  fi

  if [ "$REBUILD" = 0 ] && tarball=$(cached_tarball "$hash"); then
    if import_tar "$APP_IMAGE" "$hash" "$(decompressor_for "$tarball")" "$tarball" "${APP_CHANGES[@]}"; then
      say "app image imported from cache $tarball ($(human_size "$(image_size "$APP_IMAGE")"), $(since "$t0"))"
      return 0
    fi
    say "warning: importing the cached $tarball failed; removing it and running debootstrap"
    rm -f "$tarball"
  fi

  need_debootstrap
  want_zstd
  local mirror root log ext compress t1
  mirror=$(pick_mirror)
  root="$TMP/app-rootfs"
  log="$TMP/debootstrap.log"
  say "app: debootstrap $SUITE ($APP_VARIANT + ${#APP_PACKAGES[@]} packages) from $mirror, usually 1-2 minutes"
  t1=$(now_ns)
  STEP="debootstrap of the app root file system"
  app_rootfs "$root" "$mirror" "$log"
  say "app: root file system ready ($(du -sh --apparent-size "$root" | cut -f1), $(since "$t1"))"

  if command -v zstd >/dev/null 2>&1; then ext=tar.zst compress="zstd -q -T0 -6"; else ext=tar.gz compress="gzip -6"; fi
  tarball="$CACHE_DIR/app-$hash.$ext"
  local part="$TMP/app-$hash.$ext.part"   # $TMP is in $CACHE_DIR: the mv is atomic
  STEP="writing the rootfs tarball $tarball"
  tar --numeric-owner --xattrs --xattrs-include='security.capability' -C "$root" -c . | $compress >"$part"
  mv -f "$part" "$tarball"
  # keep the three most recent app tarballs (other recipes, e.g. other branches)
  STEP="pruning old tarballs in $CACHE_DIR"
  find "$CACHE_DIR" -maxdepth 1 -type f \( -name 'app-*.tar.zst' -o -name 'app-*.tar.gz' \) -printf '%T@ %p\n' \
    | sort -rn | sed -n '4,$p' | cut -d' ' -f2- | while read -r old; do rm -f "$old"; done

  import_tar "$APP_IMAGE" "$hash" "$(decompressor_for "$tarball")" "$tarball" "${APP_CHANGES[@]}" \
    || die "docker import of $tarball as $APP_IMAGE failed"
  say "app image built: $APP_IMAGE ($(human_size "$(image_size "$APP_IMAGE")"), cache $(basename "$tarball") $(human_size "$(stat -c %s "$tarball")"), $(since "$t0"))"
}

# ---------------------------------------------------------------------------------------
# busybox image

# >>> recipe: busybox
BUSYBOX_REQUIRED=(sh ping ip sleep nc httpd wget cat echo hostname ifconfig route nslookup ls true false seq grep)
BUSYBOX_CHANGES=(
  'CMD ["sh"]'
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  'LABEL dockwire.image=busybox'
)

# busybox_rootfs DIR: the static busybox in /bin, every applet it has linked next to it,
# /sbin /usr/bin /usr/sbin pointing at /bin, and the few files applets look for.
busybox_rootfs() {
  local root=$1 applet
  case "$root" in /?*/*) ;; *) die "internal: refusing to build a root file system in '$root'" ;; esac
  mkdir -p "$root"/{bin,etc,root,tmp,proc,sys,dev,var/www,usr/local/bin}
  ln -s bin "$root/sbin"
  ln -s ../bin "$root/usr/bin"
  ln -s ../bin "$root/usr/sbin"
  chmod 1777 "$root/tmp"
  chmod 700 "$root/root"
  cp "$BUSYBOX_BIN" "$root/bin/busybox"
  chmod 755 "$root/bin/busybox"
  for applet in $("$BUSYBOX_BIN" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
  done
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$root/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$root/etc/group"
}
# <<< recipe: busybox

busybox_hash() {
  {
    recipe_section busybox
    "$BUSYBOX_BIN" --help 2>&1 | sed -n 1p
    sha256sum <"$BUSYBOX_BIN"
  } | hash16
}

build_busybox() {
  local t0 hash label a applets missing=()
  t0=$(now_ns)
  need_busybox
  hash=$(busybox_hash)
  label=$(image_label "$BUSYBOX_IMAGE")
  if [ "$REBUILD" = 0 ] && [ "$label" = "$hash" ]; then
    say "busybox image up to date ($BUSYBOX_IMAGE, recipe $hash, $(since "$t0"))"
    return 0
  fi
  if [ -n "$label" ] && [ "$REBUILD" = 0 ]; then
    say "busybox: $BUSYBOX_IMAGE has recipe $label, the script wants $hash: rebuilding"
  fi
  applets=$("$BUSYBOX_BIN" --list)
  for a in "${BUSYBOX_REQUIRED[@]}"; do
    grep -qx "$a" <<<"$applets" || missing+=("$a")
  done
  [ ${#missing[@]} = 0 ] || die "$BUSYBOX_BIN ($("$BUSYBOX_BIN" --help 2>&1 | sed -n 1p)) lacks the applets: ${missing[*]}"

  local root="$TMP/busybox-rootfs" tarfile="$TMP/busybox.tar"
  STEP="assembling the busybox root file system in $root"
  busybox_rootfs "$root"
  STEP="writing $tarfile"
  tar --numeric-owner -C "$root" -cf "$tarfile" .
  import_tar "$BUSYBOX_IMAGE" "$hash" cat "$tarfile" "${BUSYBOX_CHANGES[@]}" \
    || die "docker import of the busybox root file system as $BUSYBOX_IMAGE failed"
  say "busybox image built: $BUSYBOX_IMAGE ($(human_size "$(image_size "$BUSYBOX_IMAGE")"), $(since "$t0"))"
}

# ---------------------------------------------------------------------------------------
# main

main() {
  local t0; t0=$(now_ns)
  if [ -z "${DOCKER_HOST:-}" ]; then
    DOCKER_HOST=$(bash "$HERE/daemon.sh" up) || die "scripts/daemon.sh up failed: no Docker daemon to import into"
    export DOCKER_HOST
  fi
  command -v docker >/dev/null 2>&1 || die "the docker client is not installed (scripts/daemon.sh up installs it)"
  timeout 20 docker version --format '{{.Server.Version}}' >/dev/null 2>&1 \
    || die "the Docker daemon at DOCKER_HOST=$DOCKER_HOST does not answer"

  mkdir -p "$CACHE_DIR" || die "cannot create the cache directory $CACHE_DIR"
  # One run at a time per cache (bounded wait); then any build dir left behind is stale.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$CACHE_DIR/.lock"
    flock -w 1800 9 || die "another scripts/images.sh still holds $CACHE_DIR/.lock after 30 min"
  fi
  local stale
  for stale in "$CACHE_DIR"/build.*; do
    if [ -d "$stale" ]; then remove_tree "$stale"; fi
  done
  TMP=$(mktemp -d "$CACHE_DIR/build.XXXXXX") || die "cannot create a temp directory in $CACHE_DIR"

  STEP="app image"
  build_app
  STEP="busybox image"
  build_busybox
  say "done in $(since "$t0")"
}

main
