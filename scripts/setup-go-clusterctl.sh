#!/usr/bin/env bash
# Builds the reference Go clusterctl from the Go module proxy into the clusterctl-ts cache and prints
# the path of the binary. It is only a reference for byte-for-byte comparisons (see
# scripts/update-yaml-goldens.sh); clusterctl-ts never runs it at runtime.
#
#   CLUSTERCTL_GO_VERSION   version to build (default v1.13.5; v1.14+ cannot be `go install`ed because of
#                           a `replace` directive in its go.mod)
#   CLUSTERCTL_GO_BINARY    an existing binary to use instead of building one
set -euo pipefail

VERSION="${CLUSTERCTL_GO_VERSION:-v1.13.5}"
SETUP_NAME=go-clusterctl
# shellcheck source=lib/go-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-env.sh"
BIN_DIR="$CACHE_ROOT/go-clusterctl/$VERSION"
BIN="$BIN_DIR/clusterctl"


if [ -n "${CLUSTERCTL_GO_BINARY:-}" ]; then
  if [ -x "$CLUSTERCTL_GO_BINARY" ]; then
    log "using CLUSTERCTL_GO_BINARY=$CLUSTERCTL_GO_BINARY"
    echo "$CLUSTERCTL_GO_BINARY"
    exit 0
  fi
  log "CLUSTERCTL_GO_BINARY=$CLUSTERCTL_GO_BINARY is not an executable file; unset it or fix the path"
  exit 2
fi

if [ -x "$BIN" ]; then
  log "already built: $BIN"
  echo "$BIN"
  exit 0
fi

require_go <<MSG
cannot build the reference clusterctl $VERSION: no 'go' toolchain on PATH.
Install Go (https://go.dev/dl/) and re-run this script, or set CLUSTERCTL_GO_BINARY to an existing
clusterctl $VERSION binary.
MSG

mkdir -p "$BIN_DIR"
log "building sigs.k8s.io/cluster-api/cmd/clusterctl@$VERSION with $(go version | awk '{print $3}'); this takes several minutes on a cold cache"
start=$(date +%s)
# A private GOBIN keeps the binary out of ~/go/bin; GOFLAGS=-mod=mod is harmless for `go install pkg@version`.
GOBIN="$BIN_DIR" CGO_ENABLED=0 go install "sigs.k8s.io/cluster-api/cmd/clusterctl@$VERSION" || go_failed "go install"
if [ ! -x "$BIN" ]; then
  log "go install succeeded but $BIN is missing"
  exit 1
fi
log "built in $(($(date +%s) - start))s"
echo "$BIN"
