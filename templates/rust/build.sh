#!/usr/bin/env bash
# Builds build/__NAME__: a static x86-64 Linux binary (static-pie glibc with +crt-static), offline.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p build
RUSTFLAGS='-C target-feature=+crt-static' cargo build --offline --release --quiet --target x86_64-unknown-linux-gnu
cp -f target/x86_64-unknown-linux-gnu/release/__NAME__ build/__NAME__
echo "built build/__NAME__"
