#!/usr/bin/env bash
# Records test/fixtures/envsubst-cases.jsonl: ~650 templates evaluated by drone/envsubst (the library
# behind clusterctl's variable substitution) through scripts/envsubst-oracle, which calls it the way
# clusterctl's simple processor does. src/core/yaml/envsubst.test.ts replays every case.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! command -v go >/dev/null 2>&1; then
  echo "update-envsubst-cases: 'go' is not on PATH; install Go (https://go.dev/dl/) to regenerate the cases" >&2
  exit 3
fi
cd "$ROOT/scripts/envsubst-oracle"
go run . >"$ROOT/test/fixtures/envsubst-cases.jsonl.tmp"
mv "$ROOT/test/fixtures/envsubst-cases.jsonl.tmp" "$ROOT/test/fixtures/envsubst-cases.jsonl"
echo "update-envsubst-cases: wrote $(($(wc -l <"$ROOT/test/fixtures/envsubst-cases.jsonl") - 1)) cases" >&2
