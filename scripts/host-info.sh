#!/usr/bin/env bash
# Prints where the tests run (CPU vendor and model, kernel, Node), so a failure report says which
# host it came from. The differential tests compare vendor-specific results only on the vendor
# QVM follows (GenuineIntel); see docs/cpu.md, "Where vendors differ".
vendor="$(grep -m1 '^vendor_id' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
model="$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
echo "host: ${vendor:-unknown} ${model:-unknown}, $(nproc 2>/dev/null || echo '?') cores, $(uname -sr), node $(node --version)"
