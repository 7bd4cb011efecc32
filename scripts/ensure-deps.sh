#!/usr/bin/env bash
# Makes a fresh clone runnable: node dependencies, then the Temporal CLI. Idempotent and fast
# when both are present, so every npm script that needs them can call it first.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

if [ ! -d node_modules/@temporalio/worker ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing node dependencies..." >&2
  # The committed lock file is complete (a fresh clone's `npm ci` is checked): no `npm install`
  # fallback, which would rewrite the lock file and hide a broken one.
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
bash scripts/ensure-temporal-cli.sh >/dev/null
