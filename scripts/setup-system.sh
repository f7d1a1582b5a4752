#!/usr/bin/env bash
# Installs the Debian packages QVM's tests and demo need (toolchains that build the guest
# programs, and qemu-user for reference runs). Safe to run again; needs root or sudo.
set -euo pipefail
# python3 and make: npm ci builds better-sqlite3 (the chain's database) from source with node-gyp.
# chromium: the explorer and playground tests drive it headless (puppeteer-core); fonts-liberation
# (a chromium recommendation) gives the screenshots readable text.
PKGS=(musl-tools gcc g++ libc6-dev qemu-user golang-go python3 make chromium fonts-liberation)
# riscv64 cross toolchain: the corpus is built for the riscv64 CPU too (test/setup-riscv64.sh).
PKGS+=(gcc-riscv64-linux-gnu libc6-dev-riscv64-cross)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "system packages: all present (${PKGS[*]})"
  exit 0
fi
SUDO=()
[[ "$(id -u)" -eq 0 ]] || SUDO=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update
"${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
