#!/usr/bin/env bash
# Builds this example: build/registry-c (C, musl static) and build/registry-go (Go, CGO_ENABLED=0).
# Usage: examples/registry/build.sh [OUTDIR]
set -euo pipefail
exec "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build-example.sh" registry "$@"
