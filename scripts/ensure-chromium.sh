#!/usr/bin/env bash
# Finds a Chromium for the Web UI browser test (test/browser/), installing Debian's package when
# it can. playwright-core drives it; Playwright's own browser download is never used. Prints the
# executable's absolute path on stdout; progress goes to stderr.
#
# Order: $CHROMIUM_PATH, then `chromium` on PATH, then `apt-get install -y chromium` as root.
set -euo pipefail

usable() { [ -n "$1" ] && [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }

if [ -n "${CHROMIUM_PATH:-}" ]; then
  if usable "$CHROMIUM_PATH"; then echo "$CHROMIUM_PATH"; exit 0; fi
  echo "CHROMIUM_PATH=$CHROMIUM_PATH is set but is not a working Chromium executable" >&2
  exit 1
fi

on_path="$(command -v chromium 2>/dev/null || true)"
if usable "$on_path"; then echo "$on_path"; exit 0; fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium package for the browser test (first run only)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y --no-install-recommends chromium >&2
  on_path="$(command -v chromium 2>/dev/null || true)"
  if usable "$on_path"; then echo "$on_path"; exit 0; fi
  echo "apt-get installed chromium but 'chromium --version' does not run" >&2
  exit 1
fi

cat >&2 <<MSG
Chromium was not found, and this script can only install it as root on a Debian/Ubuntu system.
The browser test (test/browser/) needs one of:
  - Debian's package: sudo apt-get install chromium   (then /usr/bin/chromium is used)
  - any Chromium/Chrome build, named by CHROMIUM_PATH=/path/to/chromium
MSG
exit 1
