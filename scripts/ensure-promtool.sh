#!/usr/bin/env bash
# Finds promtool for the alert-rule tests (test/observability/), installing Debian's `prometheus`
# package (which ships it) when it can. Prints the executable's absolute path on stdout; progress
# goes to stderr. Order: $PROMTOOL_PATH, then `promtool` on PATH, then `apt-get install -y prometheus` as root.
set -euo pipefail

usable() { [ -n "$1" ] && [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }

if [ -n "${PROMTOOL_PATH:-}" ]; then
  if usable "$PROMTOOL_PATH"; then echo "$PROMTOOL_PATH"; exit 0; fi
  echo "PROMTOOL_PATH=$PROMTOOL_PATH is set but is not a working promtool executable" >&2
  exit 1
fi

on_path="$(command -v promtool 2>/dev/null || true)"
if usable "$on_path"; then echo "$on_path"; exit 0; fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's prometheus package for promtool (first run only)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  # One installer at a time: parallel test runs may both get here.
  exec 9>/tmp/ensure-promtool.lock
  flock 9
  on_path="$(command -v promtool 2>/dev/null || true)"
  if ! usable "$on_path"; then
    apt-get update >&2
    # The package's postinst would start a Prometheus server; nothing here wants one.
    RUNLEVEL=1 apt-get install -y --no-install-recommends prometheus >&2
  fi
  on_path="$(command -v promtool 2>/dev/null || true)"
  if usable "$on_path"; then echo "$on_path"; exit 0; fi
  echo "apt-get installed prometheus but 'promtool --version' does not run" >&2
  exit 1
fi

cat >&2 <<MSG
promtool was not found, and this script can only install it as root on a Debian/Ubuntu system.
The alert-rule test needs one of:
  - Debian's package: sudo apt-get install prometheus   (ships /usr/bin/promtool)
  - any promtool build, named by PROMTOOL_PATH=/path/to/promtool
MSG
exit 1
