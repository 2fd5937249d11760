#!/usr/bin/env bash
# Prepares kube-apiserver, kube-controller-manager and etcd for the test harness.
# Order: $KUBEBUILDER_ASSETS (envtest convention), then the cache folder, else build from the
# Go module proxy with the machine's `go`. Prints the folder holding the three binaries.
set -euo pipefail

K8S_VERSION="${CLUSTERCTL_TS_K8S_VERSION:-1.35.4}"
ETCD_VERSION="${CLUSTERCTL_TS_ETCD_VERSION:-3.6.16}"
SETUP_NAME=apiserver
# shellcheck source=lib/go-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-env.sh"
BIN_DIR="$CACHE_ROOT/apiserver/v$K8S_VERSION"
BINARIES=(kube-apiserver kube-controller-manager etcd)


have_all() {
  local dir="$1" b
  for b in "${BINARIES[@]}"; do [ -x "$dir/$b" ] || return 1; done
}

if [ -n "${KUBEBUILDER_ASSETS:-}" ] && have_all "$KUBEBUILDER_ASSETS"; then
  log "using binaries from KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS"
  echo "$KUBEBUILDER_ASSETS"
  exit 0
fi
if have_all "$BIN_DIR"; then
  log "binaries already cached in $BIN_DIR"
  echo "$BIN_DIR"
  exit 0
fi

require_go <<MSG
cannot prepare the test API server: kube-apiserver, kube-controller-manager and
etcd were not found in \$KUBEBUILDER_ASSETS or $BIN_DIR, and no 'go' toolchain is on PATH to build
them. Install Go >= 1.25 (https://go.dev/dl/) and re-run 'npm run setup:apiserver', or point
KUBEBUILDER_ASSETS at a folder with those three binaries (e.g. from 'setup-envtest use 1.35.x -p path').
MSG

mkdir -p "$BIN_DIR"
WORK="$CACHE_ROOT/build/v$K8S_VERSION"
mkdir -p "$WORK/k8s" "$WORK/etcd"
MINOR="${K8S_VERSION#*.}"; MINOR="${MINOR%%.*}"
STAGING_VERSION="v0.${K8S_VERSION#*.}"
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export CGO_ENABLED=0

start=$(date +%s)
if [ ! -x "$BIN_DIR/kube-apiserver" ] || [ ! -x "$BIN_DIR/kube-controller-manager" ]; then
  log "building Kubernetes v$K8S_VERSION (kube-apiserver, kube-controller-manager) from the Go module proxy; this takes several minutes on a cold cache"
  cd "$WORK/k8s"
  rm -f go.mod go.sum
  go mod init clusterctl-ts.local/k8s-binaries >/dev/null 2>&1
  # The staging modules that k8s.io/kubernetes requires at v0.0.0 are replaced by their v0.Y.Z tags.
  gomod=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')
  [ -f "$gomod" ] || { log "could not download k8s.io/kubernetes@v$K8S_VERSION"; exit 1; }
  staging=$(awk '$1 ~ /^k8s\.io\/[a-z0-9-]+$/ && $2 == "v0.0.0" { print $1 } $1 == "require" && $3 == "v0.0.0" { print $2 }' "$gomod" | sort -u)
  go mod edit -require="k8s.io/kubernetes@v$K8S_VERSION"
  for m in $staging; do go mod edit -replace="$m=$m@$STAGING_VERSION"; done
  gov=$(awk '/^go [0-9]/ { print $2; exit }' "$gomod"); go mod edit -go="$gov"
  go get "k8s.io/kubernetes/cmd/kube-apiserver@v$K8S_VERSION" "k8s.io/kubernetes/cmd/kube-controller-manager@v$K8S_VERSION" >&2
  ldflags="-s -w -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$MINOR -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/client-go/pkg/version.gitVersion=v$K8S_VERSION -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$MINOR"
  for b in kube-apiserver kube-controller-manager; do
    go build -trimpath -tags selinux,notest -ldflags "$ldflags" -o "$BIN_DIR/$b.tmp" "k8s.io/kubernetes/cmd/$b" >&2
    mv "$BIN_DIR/$b.tmp" "$BIN_DIR/$b"
    log "built $b ($(( $(date +%s) - start ))s)"
  done
fi
if [ ! -x "$BIN_DIR/etcd" ]; then
  log "building etcd v$ETCD_VERSION from the Go module proxy"
  cd "$WORK/etcd"
  rm -f go.mod go.sum
  go mod init clusterctl-ts.local/etcd-binary >/dev/null 2>&1
  go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" >&2
  go build -trimpath -ldflags "-s -w" -o "$BIN_DIR/etcd.tmp" go.etcd.io/etcd/server/v3 >&2
  mv "$BIN_DIR/etcd.tmp" "$BIN_DIR/etcd"
  log "built etcd ($(( $(date +%s) - start ))s)"
fi
log "binaries ready in $BIN_DIR after $(( $(date +%s) - start ))s"
echo "$BIN_DIR"
