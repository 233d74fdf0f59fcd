#!/usr/bin/env bash
# A Python environment with the `pulumi` package from PyPI, for the test of dockwire's generated
# Python SDK (test/integration/sdk.test.ts): the SDK must install and import beside it.
#
#   bash scripts/pyenv.sh      # prints the path of the environment's python; creates it once
#
# The environment is a venv of the machine's python3 in the cache (DOCKWIRE_CACHE, default
# ~/.cache/dockwire), named after the pinned `pulumi` version and the Python version, and made
# complete before it is used (a marker file is written last), so an interrupted run is redone.
# Warm runs do not touch the network.
set -euo pipefail

PULUMI_PY=3.259.0   # the CLI's version (scripts/toolchain.sh); installs on Python 3.11 from PyPI
WHEEL=0.45.1        # the generated SDK builds with setuptools' bdist_wheel, which needs it
# What the generated SDK requires besides pulumi (its setup.py; the test checks that these satisfy it).
SDK_DEPS=(parver==0.5 semver==3.0.4)

say() { echo "pyenv.sh: $*" >&2; }

if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  say "python3 has no venv module: installing Debian's python3-venv"
  apt-get install -y -q python3-venv >&2 || { apt-get update -q >&2 && apt-get install -y -q python3-venv >&2; }
fi
pyver=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
venv=${DOCKWIRE_CACHE:-$HOME/.cache/dockwire}/python/venv-pulumi-$PULUMI_PY-wheel-$WHEEL-$(printf %s "${SDK_DEPS[*]}" | tr ' =' '-_')-py$pyver
if [ -f "$venv/.complete" ]; then
  echo "$venv/bin/python"
  exit 0
fi
say "creating $venv with pulumi==$PULUMI_PY, wheel==$WHEEL and ${SDK_DEPS[*]} from PyPI"
started=$(date +%s)
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "pulumi==$PULUMI_PY" "wheel==$WHEEL" "${SDK_DEPS[@]}" >&2
"$venv/bin/python" -c 'import pulumi, setuptools, wheel, parver, semver' >&2
touch "$venv/.complete"
say "done in $(($(date +%s) - started)) s"
echo "$venv/bin/python"
