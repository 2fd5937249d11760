#!/usr/bin/env bash
# Builds the four Cluster API managers the real-controller tests run as plain processes, from the Go
# module proxy, into the clusterctl-ts cache, and prints the folder holding them:
#
#   cluster-api-manager              core (sigs.k8s.io/cluster-api)
#   kubeadm-bootstrap-manager        sigs.k8s.io/cluster-api/bootstrap/kubeadm
#   kubeadm-control-plane-manager    sigs.k8s.io/cluster-api/controlplane/kubeadm
#   capd-manager                     the docker provider (sigs.k8s.io/cluster-api/test/infrastructure/docker),
#                                    whose in-memory backend needs no container runtime
#
# The versions are pinned by the wrapper modules in scripts/capi-managers/ (go.mod + go.sum): `core`
# requires cluster-api v1.13.5 alone (the same build list as `go install`), `docker` adds the test
# module v1.13.4 (the proxy refuses test@v1.13.5) with cluster-api replaced by v1.13.5. A stamp of
# those files sits next to the binaries: editing the modules rebuilds, an unchanged cache costs ~0 s.
#
# No -trimpath: with the same flags as scripts/setup-go-clusterctl.sh (`go install` of clusterctl from
# the same cluster-api v1.13.5 build list), the managers reuse its compiled packages from the Go build
# cache, which saves most of a cold setup on CI; -s -w still strip the binaries.
#
#   CLUSTERCTL_TS_CAPI_BIN_DIR   an existing folder with the four binaries to use instead
set -euo pipefail

CAPI_VERSION=v1.13.5
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODULES="$HERE/capi-managers"
SETUP_NAME=capi
# shellcheck source=lib/go-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-env.sh"
BIN_DIR="$CACHE_ROOT/capi/$CAPI_VERSION"
# binary name, wrapper module, Go package
BUILDS=(
  "cluster-api-manager core sigs.k8s.io/cluster-api"
  "kubeadm-bootstrap-manager core sigs.k8s.io/cluster-api/bootstrap/kubeadm"
  "kubeadm-control-plane-manager core sigs.k8s.io/cluster-api/controlplane/kubeadm"
  "capd-manager docker sigs.k8s.io/cluster-api/test/infrastructure/docker"
)


have_all() {
  local dir="$1" entry
  for entry in "${BUILDS[@]}"; do [ -x "$dir/${entry%% *}" ] || return 1; done
}

if [ -n "${CLUSTERCTL_TS_CAPI_BIN_DIR:-}" ]; then
  if have_all "$CLUSTERCTL_TS_CAPI_BIN_DIR"; then
    log "using binaries from CLUSTERCTL_TS_CAPI_BIN_DIR=$CLUSTERCTL_TS_CAPI_BIN_DIR"
    echo "$CLUSTERCTL_TS_CAPI_BIN_DIR"
    exit 0
  fi
  log "CLUSTERCTL_TS_CAPI_BIN_DIR=$CLUSTERCTL_TS_CAPI_BIN_DIR lacks one of: cluster-api-manager, kubeadm-bootstrap-manager, kubeadm-control-plane-manager, capd-manager; unset it or fix the folder"
  exit 2
fi

stamp_of() { cat "$MODULES"/core/go.mod "$MODULES"/core/go.sum "$MODULES"/docker/go.mod "$MODULES"/docker/go.sum | cksum | awk '{print $1}'; }
STAMP="$(stamp_of)"
if have_all "$BIN_DIR" && [ "$(cat "$BIN_DIR/.modules-stamp" 2>/dev/null)" = "$STAMP" ]; then
  log "managers already cached in $BIN_DIR"
  echo "$BIN_DIR"
  exit 0
fi

require_go <<MSG
cannot prepare the Cluster API $CAPI_VERSION controllers for the real-controller tests:
they are not in $BIN_DIR, and no 'go' toolchain is on PATH to build them. Install Go >= 1.25
(https://go.dev/dl/) and re-run 'npm run setup:capi', or point CLUSTERCTL_TS_CAPI_BIN_DIR at a folder
with cluster-api-manager, kubeadm-bootstrap-manager, kubeadm-control-plane-manager and capd-manager.
MSG

mkdir -p "$BIN_DIR"
rm -f "$BIN_DIR/.modules-stamp"
export CGO_ENABLED=0
# The committed go.sum files are the pin: never let the build edit them.
export GOFLAGS="${GOFLAGS:-} -mod=readonly"
minor="${CAPI_VERSION#v*.}"; minor="${minor%%.*}"
ldflags="-s -w -X sigs.k8s.io/cluster-api/version.gitVersion=$CAPI_VERSION -X sigs.k8s.io/cluster-api/version.gitMajor=1 -X sigs.k8s.io/cluster-api/version.gitMinor=$minor -X sigs.k8s.io/cluster-api/version.gitTreeState=clean"

start=$(date +%s)
log "building the Cluster API $CAPI_VERSION managers with $(go version | awk '{print $3}') from the Go module proxy; this takes 10-20 minutes on a cold cache"
for entry in "${BUILDS[@]}"; do
  read -r name module pkg <<<"$entry"
  t0=$(date +%s)
  (cd "$MODULES/$module" && go build -ldflags "$ldflags" -o "$BIN_DIR/$name.tmp" "$pkg") >&2 || go_failed "building $name ($pkg)"
  mv "$BIN_DIR/$name.tmp" "$BIN_DIR/$name"
  log "built $name in $(($(date +%s) - t0))s"
done
echo "$STAMP" >"$BIN_DIR/.modules-stamp"
log "managers ready in $BIN_DIR after $(($(date +%s) - start))s"
echo "$BIN_DIR"
