#!/usr/bin/env bash
# Builds build/__NAME__: a static x86-64 Linux binary (musl-gcc, else gcc -static).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p build
cc=musl-gcc
command -v musl-gcc >/dev/null || cc=gcc
"$cc" -static -O2 -Wall -Wextra -Isdk -o build/__NAME__ main.c
echo "built build/__NAME__"
