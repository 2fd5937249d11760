#!/usr/bin/env bash
# Regenerates the golden files of the YAML parity corpus (test/fixtures/yaml-corpus) with the reference
# Go clusterctl (built by scripts/setup-go-clusterctl.sh, or CLUSTERCTL_GO_BINARY). For every input
# NAME.yaml, with the variables of NAME.vars (KEY=VALUE lines) as its only environment, it records:
#
#   NAME.golden.yaml   stdout of `clusterctl generate yaml --from NAME.yaml` when it succeeds
#   NAME.golden.err    the first line of stderr when it fails (a Go panic prints a machine-specific trace)
#   NAME.golden.vars   stdout of `clusterctl generate yaml --from NAME.yaml --list-variables`
#
# src/core/yaml/go-parity.test.ts compares clusterctl-ts with these files on every test run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CORPUS="$ROOT/test/fixtures/yaml-corpus"
GO_CLUSTERCTL="$(bash "$ROOT/scripts/setup-go-clusterctl.sh")"
echo "update-yaml-goldens: using $GO_CLUSTERCTL" >&2

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# An empty home: no clusterctl.yaml, so variables come only from NAME.vars.
mkdir -p "$WORK/home/.config"

cd "$CORPUS"
count=0
for input in *.yaml; do
  case "$input" in *.golden.yaml) continue ;; esac
  name="${input%.yaml}"
  vars=()
  if [ -f "$name.vars" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      case "$line" in '' | '#'*) continue ;; esac
      vars+=("$line")
    done <"$name.vars"
  fi
  run() {
    env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" \
      CLUSTERCTL_DISABLE_VERSIONCHECK=true ${vars[@]+"${vars[@]}"} "$GO_CLUSTERCTL" "$@"
  }
  rm -f "$name.golden.yaml" "$name.golden.err" "$name.golden.vars"
  if run generate yaml --from "$input" >"$WORK/out" 2>"$WORK/err"; then
    cp "$WORK/out" "$name.golden.yaml"
  else
    head -n 1 "$WORK/err" >"$name.golden.err"
  fi
  if run generate yaml --from "$input" --list-variables >"$WORK/out" 2>/dev/null; then
    cp "$WORK/out" "$name.golden.vars"
  fi
  count=$((count + 1))
done
echo "update-yaml-goldens: wrote goldens for $count inputs in $CORPUS" >&2
