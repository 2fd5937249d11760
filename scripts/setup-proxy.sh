#!/usr/bin/env bash
# Installs squid (Debian package) for the proxy tests (HTTPS_PROXY/HTTP_PROXY/NO_PROXY through a
# real forward proxy on 127.0.0.1). Returns at once when squid is already on the machine. The tests
# start their own squid on a free port with a private config; the package's service is not used.
# Prints the path of the squid binary. Exit 3 when it cannot be installed (no root, no apt-get).
set -euo pipefail

log() { printf 'setup:proxy: %s\n' "$*" >&2; }

find_squid() {
  command -v squid 2>/dev/null || { [ -x /usr/sbin/squid ] && echo /usr/sbin/squid; } || return 1
}

if path="$(find_squid)"; then
  echo "$path"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  log "squid is missing and apt-get is not available: install squid (a forward HTTP proxy) by hand"
  exit 3
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    log "squid is missing and this user cannot install packages: run 'apt-get install squid' as root"
    exit 3
  fi
fi
log "installing squid from Debian (once)"
export DEBIAN_FRONTEND=noninteractive
# The package's own service must not take port 3128 or start at all: the tests run a private squid.
policy_rc="/usr/sbin/policy-rc.d"
created_policy=""
if [ ! -e "$policy_rc" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy_rc" >/dev/null
  $SUDO chmod 755 "$policy_rc"
  created_policy=1
fi
trap '[ -n "$created_policy" ] && $SUDO rm -f "$policy_rc"' EXIT
if ! $SUDO apt-get install -y --no-install-recommends squid >/dev/null 2>&1; then
  $SUDO apt-get update >/dev/null 2>&1 || true
  $SUDO apt-get install -y --no-install-recommends squid >/dev/null
fi
find_squid
