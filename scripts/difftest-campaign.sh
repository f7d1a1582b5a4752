#!/usr/bin/env bash
# Long instruction-level differential campaign: QVM's interpreter against the host CPU.
#
#   scripts/difftest-campaign.sh [cases] [seed] [reports] [--jit | --jit-js]
#
# Defaults: 1,000,000 cases, seed 1, the first 20 failures described. Generates encodings of
# every implemented instruction form (integer, SSE/SSE2, x87) with random and edge operands, runs
# each on the host (test/native/difftest.c, compiled with gcc) and in QVM, and prints the counts
# per instruction class. Exit status 1 when any case differs. Needs x86-64 Linux, gcc, Node >= 20.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cases="${1:-1000000}"
seed="${2:-1}"
reports="${3:-20}"
cd "$root"
npx tsc -p tsconfig.json
exec node dist/test/difftest/campaign.js --run --cases "$cases" --seed "$seed" --reports "$reports" "${@:4}"
