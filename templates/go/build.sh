#!/usr/bin/env bash
# Builds build/__NAME__: a static x86-64 Linux binary (CGO_ENABLED=0 go build), offline.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p build
CGO_ENABLED=0 GOOS=linux GOARCH=amd64 GOFLAGS=-mod=mod GOPROXY=off go build -trimpath -ldflags='-s -w' -o build/__NAME__ .
echo "built build/__NAME__"
