#!/usr/bin/env bash
# Everything the test suite runs besides Node: each script builds its binaries from the Go module
# proxy (or installs a Debian package) on first use and reuses the cache afterwards. Each prints
# its progress on stderr; failures stop the test run with that script's own explanation.
set -euo pipefail
cd "$(dirname "$0")"
for setup in setup-apiserver.sh setup-go-clusterctl.sh setup-registry.sh setup-capi.sh setup-proxy.sh setup-kind.sh; do
  [ -f "$setup" ] || continue
  bash "$setup" >/dev/null
done
