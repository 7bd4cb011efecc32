#!/usr/bin/env bash
# Finds the Temporal CLI (which embeds the dev server), building it from its Go module when
# missing: the SDK's own download of the dev server needs internet access this project
# cannot assume. Prints the executable's absolute path on stdout; progress goes to stderr.
#
# Order: $TEMPORAL_CLI, then `temporal` on PATH, then <repo>/.tools/bin/temporal, then build.
set -euo pipefail

# v1.5.1 is the newest tag whose go.mod has no replace directives, so `go install` works.
TEMPORAL_CLI_VERSION="${TEMPORAL_CLI_VERSION:-v1.5.1}"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_bin="$repo_root/.tools/bin"

usable() { [ -n "$1" ] && [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }

if [ -n "${TEMPORAL_CLI:-}" ]; then
  if usable "$TEMPORAL_CLI"; then echo "$TEMPORAL_CLI"; exit 0; fi
  echo "TEMPORAL_CLI=$TEMPORAL_CLI is set but is not a working Temporal CLI executable" >&2
  exit 1
fi
on_path="$(command -v temporal 2>/dev/null || true)"
if usable "$on_path"; then echo "$on_path"; exit 0; fi
if usable "$tools_bin/temporal"; then echo "$tools_bin/temporal"; exit 0; fi

if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<MSG
The Temporal CLI was not found and cannot be built: Go is not installed.
Install one of:
  - Go >= 1.25 (https://go.dev/dl/); this script then builds the CLI into $tools_bin
  - the Temporal CLI from Temporal's own installers (brew install temporal, or
    curl -sSf https://temporal.download/cli.sh | sh) on a machine with internet access,
    then put it on PATH or point TEMPORAL_CLI at it.
MSG
  exit 1
fi

echo "Building the Temporal CLI $TEMPORAL_CLI_VERSION from its Go module into $tools_bin (first run only, a few minutes)..." >&2
mkdir -p "$tools_bin"
GOBIN="$tools_bin" GOFLAGS="${GOFLAGS:-} -trimpath" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" >&2
usable "$tools_bin/temporal" || { echo "go install finished but $tools_bin/temporal does not run" >&2; exit 1; }
echo "$tools_bin/temporal"
