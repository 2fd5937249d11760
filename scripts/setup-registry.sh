#!/usr/bin/env bash
# Builds the real OCI parts used by the registry tests into the clusterctl-ts cache and prints the
# folder that holds them:
#   registry          the CNCF distribution registry (github.com/distribution/distribution/v3/cmd/registry)
#   oras              the ORAS CLI (oras.land/oras/cmd/oras), for interop tests
#   plugin            the Cluster API Operator's kubectl plugin (sigs.k8s.io/cluster-api-operator/cmd/plugin),
#                     whose `preload` writes provider ConfigMaps from an OCI artifact, for interop tests;
#                     in $CACHE_ROOT/operator-plugin/<version>/plugin
#   bcrypt-htpasswd   a 20-line helper that writes an htpasswd line (bcrypt) for the registry's basic auth
# Each is built once from the Go module proxy and then reused. Quiet unless something is built.
#
#   CLUSTERCTL_TS_REGISTRY_VERSION   distribution version (default v3.1.2)
#   CLUSTERCTL_TS_ORAS_VERSION       oras version (default v1.3.6)
#   CLUSTERCTL_TS_OPERATOR_VERSION   cluster-api-operator version (default v0.29.0)
set -euo pipefail

REGISTRY_VERSION="${CLUSTERCTL_TS_REGISTRY_VERSION:-v3.1.2}"
ORAS_VERSION="${CLUSTERCTL_TS_ORAS_VERSION:-v1.3.6}"
SETUP_NAME=registry
# shellcheck source=lib/go-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-env.sh"
BIN_DIR="$CACHE_ROOT/registry/distribution-$REGISTRY_VERSION-oras-$ORAS_VERSION"
OPERATOR_VERSION="${CLUSTERCTL_TS_OPERATOR_VERSION:-v0.29.0}"
PLUGIN_DIR="$CACHE_ROOT/operator-plugin/$OPERATOR_VERSION"


if [ -x "$BIN_DIR/registry" ] && [ -x "$BIN_DIR/oras" ] && [ -x "$BIN_DIR/bcrypt-htpasswd" ] && [ -x "$PLUGIN_DIR/plugin" ]; then
  echo "$BIN_DIR"
  exit 0
fi

require_go <<MSG
cannot prepare the test registry: no 'go' toolchain on PATH to build the distribution
registry $REGISTRY_VERSION and oras $ORAS_VERSION into $BIN_DIR. Install Go >= 1.25 and re-run
'bash scripts/setup-registry.sh'.
MSG

mkdir -p "$BIN_DIR"
export CGO_ENABLED=0
start=$(date +%s)
if [ ! -x "$BIN_DIR/registry" ]; then
  log "building github.com/distribution/distribution/v3/cmd/registry@$REGISTRY_VERSION from the Go module proxy"
  GOBIN="$BIN_DIR" go install -trimpath -ldflags "-s -w" \
    "github.com/distribution/distribution/v3/cmd/registry@$REGISTRY_VERSION" >&2
  log "built registry ($(($(date +%s) - start))s)"
fi
if [ ! -x "$BIN_DIR/oras" ]; then
  log "building oras.land/oras/cmd/oras@$ORAS_VERSION from the Go module proxy"
  GOBIN="$BIN_DIR" go install -trimpath -ldflags "-s -w" "oras.land/oras/cmd/oras@$ORAS_VERSION" >&2
  log "built oras ($(($(date +%s) - start))s)"
fi
if [ ! -x "$PLUGIN_DIR/plugin" ]; then
  log "building sigs.k8s.io/cluster-api-operator/cmd/plugin@$OPERATOR_VERSION from the Go module proxy"
  mkdir -p "$PLUGIN_DIR"
  GOBIN="$PLUGIN_DIR" go install -trimpath -ldflags "-s -w" \
    "sigs.k8s.io/cluster-api-operator/cmd/plugin@$OPERATOR_VERSION" >&2
  log "built the operator plugin ($(($(date +%s) - start))s)"
fi
if [ ! -x "$BIN_DIR/bcrypt-htpasswd" ]; then
  WORK="$CACHE_ROOT/build/bcrypt-htpasswd"
  mkdir -p "$WORK"
  cd "$WORK"
  rm -f go.mod go.sum
  go mod init clusterctl-ts.local/bcrypt-htpasswd >/dev/null 2>&1
  cat >main.go <<'GO'
// Prints "user:bcrypt(password)" for an htpasswd file; the password is read from stdin.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

func main() {
	line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	hash, err := bcrypt.GenerateFromPassword([]byte(strings.TrimRight(line, "\r\n")), bcrypt.MinCost)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%s:%s\n", os.Args[1], hash)
}
GO
  go get golang.org/x/crypto/bcrypt >&2
  go build -trimpath -ldflags "-s -w" -o "$BIN_DIR/bcrypt-htpasswd" . >&2
  log "built bcrypt-htpasswd ($(($(date +%s) - start))s)"
fi
echo "$BIN_DIR"
