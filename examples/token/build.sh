#!/usr/bin/env bash
# Builds this example: build/token-c (C, musl static) and build/token-go (Go, CGO_ENABLED=0).
# Usage: examples/token/build.sh [OUTDIR]
set -euo pipefail
exec "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build-example.sh" token "$@"
