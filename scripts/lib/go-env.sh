# Sourced by the setup-*.sh scripts that build their binaries from the Go module proxy. The script
# sets SETUP_NAME (its name in messages) before sourcing; this file gives it:
#   CACHE_ROOT        $CLUSTERCTL_TS_CACHE_DIR, else $XDG_CACHE_HOME/clusterctl-ts (~/.cache/clusterctl-ts)
#   log MESSAGE       one line on stderr, `setup:NAME: MESSAGE`
#   require_go <<MSG  exits 3 with the explanation read from stdin when no `go` is on PATH
#   go_failed WHAT    exits 1 saying WHAT failed and naming the Go module proxy in use
CACHE_ROOT="${CLUSTERCTL_TS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/clusterctl-ts}"

log() { printf 'setup:%s: %s\n' "$SETUP_NAME" "$*" >&2; }

require_go() {
  if command -v go >/dev/null 2>&1; then
    cat >/dev/null
    return 0
  fi
  {
    printf 'setup:%s: ' "$SETUP_NAME"
    cat
  } >&2
  exit 3
}

go_failed() {
  log "$1 failed (is the Go module proxy reachable? GOPROXY=$(go env GOPROXY))"
  exit 1
}
