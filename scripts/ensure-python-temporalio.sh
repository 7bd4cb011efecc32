#!/usr/bin/env bash
# A Python with Temporal's Python SDK (PyPI `temporalio`), for the test that runs the Python example
# of docs/other-languages.md against the dev server. Idempotent: prints the interpreter's path.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${TEMPORALIO_PY_VERSION:-1.35.0}"
venv="${PYTHON_TEMPORALIO_VENV:-$repo_root/.tools/python-temporalio-$version}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import temporalio' 2>/dev/null; then
  echo "Installing temporalio $version into $venv..." >&2
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "temporalio==$version" >&2
fi
echo "$venv/bin/python"
