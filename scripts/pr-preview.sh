#!/usr/bin/env bash
# The preview of one example stack against its deployed state, as a pull request shows it:
# Pulumi's own diff, and dockwire's address plan of the change (`dockwire plan`).
# .github/workflows/preview.yml runs exactly this for each stack; `npm run preview -- STACK`
# runs it here (after scripts/main.sh has set up the daemon, toolchain and local backend).
#
#   bash scripts/pr-preview.sh STACK OUTDIR
#
# Needs: `pulumi` on PATH (and its dynamic-provider launcher); the backend in
# PULUMI_BACKEND_URL (a file:// folder, an object store such as s3://..., or Pulumi Cloud
# with PULUMI_ACCESS_TOKEN); the passphrase of the stack's secrets in
# PULUMI_CONFIG_PASSPHRASE; the stack name in DOCKWIRE_STACK (default dev); dist/ built.
# DOCKER_HOST: the preview compares with the state (no refresh) and writes nothing; a
# network's overlap check lists the networks of the daemon there when one answers (the
# runner's own), so CI needs no access to the deployed host.
#
# Writes into OUTDIR: diff.txt (`pulumi preview --diff`), preview.json (`--json`),
# state.json (`pulumi stack export`: secrets stay encrypted), plan.md, plan.svg, plan.txt and
# comment.md (what the workflow posts: the plan, then Pulumi's diff). Prints plan.txt and the
# diff. Nothing here prints an environment variable or asks for secrets in plain text.
# Exit status: 0 when the preview ran (with or without changes), 1 when it failed, 2 on usage.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

[ $# -eq 2 ] || { echo "usage: bash scripts/pr-preview.sh STACK OUTDIR" >&2; exit 2; }
name=$1
out=$2
stack=${DOCKWIRE_STACK:-dev}
dir=$ROOT/stacks/$name
[ -f "$dir/Pulumi.yaml" ] || { echo "pr-preview.sh: no stack folder stacks/$name (with a Pulumi.yaml)" >&2; exit 2; }
[ -f "$ROOT/dist/provider/plan/cli.js" ] || { echo "pr-preview.sh: dist/ is not built: run npm run build first" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

cd "$dir"
# Only an existing stack: a pull request is previewed against what is deployed, never
# against an empty stack made on the spot.
if ! pulumi stack select "$stack" --non-interactive >/dev/null 2>"$out/select.err"; then
  echo "pr-preview.sh: the stack $stack of stacks/$name is not in the backend:" >&2
  sed 's/^/  /' "$out/select.err" >&2
  echo "pr-preview.sh: deploy it first (pulumi up), or set DOCKWIRE_STACK to the deployed stack's name." >&2
  exit 1
fi
common=(--stack "$stack" --non-interactive --refresh=false)
pulumi preview "${common[@]}" --diff --color never --suppress-progress >"$out/diff.txt" 2>&1 || {
  cat "$out/diff.txt" >&2
  echo "pr-preview.sh: pulumi preview of stacks/$name failed (above)." >&2
  exit 1
}
pulumi preview "${common[@]}" --json >"$out/preview.json" 2>"$out/preview.err" || {
  cat "$out/preview.err" >&2
  exit 1
}
pulumi stack export --stack "$stack" >"$out/state.json"

plan=(node "$ROOT/bin/dockwire.mjs" plan --preview "$out/preview.json" --state "$out/state.json")
"${plan[@]}" --format markdown --out "$out/plan.md"
"${plan[@]}" --format svg --out "$out/plan.svg"
"${plan[@]}" --format text --out "$out/plan.txt"

{
  echo "<!-- dockwire-preview:$name -->"
  cat "$out/plan.md"
  echo
  echo "<details><summary>Pulumi's diff of stacks/$name (stack $stack)</summary>"
  echo
  echo '```diff'
  cat "$out/diff.txt"
  echo '```'
  echo
  echo "</details>"
} >"$out/comment.md"

cat "$out/plan.txt"
echo
cat "$out/diff.txt"
