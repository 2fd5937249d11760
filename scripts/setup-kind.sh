#!/usr/bin/env bash
# Builds the real `kind` CLI (sigs.k8s.io/kind) from the Go module proxy into the clusterctl-ts
# cache and prints the path of the binary. Tests use it only as a reference: the contract test of
# the kind stand-in (test/harness/kind-standin/kind-contract.test.ts) compares the two on what
# needs no container runtime. clusterctl-ts itself runs whatever `kind` is on the user's PATH.
#
#   CLUSTERCTL_TS_KIND_VERSION  version to build (default v0.32.0, the contract the stand-in follows)
#   CLUSTERCTL_TS_KIND_BINARY   an existing kind binary to use instead of building one
set -euo pipefail

VERSION="${CLUSTERCTL_TS_KIND_VERSION:-v0.32.0}"
SETUP_NAME=kind
# shellcheck source=lib/go-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-env.sh"
BIN="$CACHE_ROOT/kind/$VERSION/kind"
EXPLICIT="${CLUSTERCTL_TS_KIND_BINARY:-}"


# A binary named by the caller wins; then a cached build.
for candidate in "$EXPLICIT" "$BIN"; do
  [ -n "$candidate" ] && [ -x "$candidate" ] && { echo "$candidate"; exit 0; }
done
[ -z "$EXPLICIT" ] || { log "CLUSTERCTL_TS_KIND_BINARY=$EXPLICIT is not an executable file; unset it or fix the path"; exit 2; }
require_go <<MSG
cannot build kind $VERSION: no 'go' toolchain on PATH. Install Go (https://go.dev/dl/) and re-run 'npm run setup:kind', or set CLUSTERCTL_TS_KIND_BINARY to a kind $VERSION binary.
MSG

staging="$(dirname "$BIN").partial"
rm -rf "$staging"
mkdir -p "$staging"
log "building sigs.k8s.io/kind@$VERSION with $(go version | awk '{print $3}') from the Go module proxy"
began=$(date +%s)
# Its own GOBIN keeps the binary out of ~/go/bin; the folder is renamed into place only when complete.
GOBIN="$staging" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kind@$VERSION" >&2 || go_failed "go install"
rm -rf "$(dirname "$BIN")"
mv "$staging" "$(dirname "$BIN")"
log "built in $(($(date +%s) - began))s: $BIN"
echo "$BIN"
