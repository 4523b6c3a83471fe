#!/usr/bin/env bash
# Runs the third-party client interop test against a routeros-sim binary.
# ROUTEROS_SIM_BIN: path to the binary (default: target/release or target/debug of the workspace).
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi
exec node --test
