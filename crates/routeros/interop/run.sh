#!/usr/bin/env bash
# Runs the third-party client interop test against a routeros-sim binary: node-routeros (npm) and
# librouteros (PyPI, in a virtualenv here).
# ROUTEROS_SIM_BIN: path to the binary (default: target/release or target/debug of the workspace).
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi
if ! .venv/bin/python -c 'import librouteros' 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
fi
exec node --test
