#!/usr/bin/env bash
# Runs tests while stress-ng keeps every CPU busy, to find tests that wait for time instead of
# state. stress-ng comes from Debian (installed here with apt-get when missing and run as root).
#
#   npm run test:under-load                         # the whole suite, 2 CPU hogs per core
#   npm run test:under-load -- test/e2e/bootstrap.test.ts test/e2e/generate.test.ts
#   STRESS_PER_CPU=4 npm run test:under-load -- <files>   # harder
#
# The load lasts exactly as long as the tests; stress-ng is stopped by its own pid afterwards.
set -euo pipefail

log() { printf 'test:under-load: %s\n' "$*" >&2; }

if ! command -v stress-ng >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing stress-ng from Debian"
    apt-get install -y stress-ng >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y stress-ng >/dev/null; }
  else
    log "stress-ng is missing: install it (Debian/Ubuntu: sudo apt-get install stress-ng)"
    exit 3
  fi
fi

per_cpu="${STRESS_PER_CPU:-2}"
cpus="$(nproc)"
workers=$((cpus * per_cpu))
log "starting stress-ng: $workers CPU workers on $cpus cores (plus 1 I/O worker)"
stress-ng --cpu "$workers" --io 1 --timeout 3h --quiet &
stress_pid=$!
trap 'kill "$stress_pid" 2>/dev/null || true; wait "$stress_pid" 2>/dev/null || true' EXIT

started=$(date +%s)
status=0
npx vitest run "$@" || status=$?
log "tests finished with exit $status in $(( $(date +%s) - started ))s under load (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
exit "$status"
