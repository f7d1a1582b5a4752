#!/usr/bin/env bash
# Reliability campaigns: fuzzing (ELF, instruction streams, stdout protocol, transactions and
# envelopes, JSON-RPC), hostile contracts on a node, kill -9 crash safety, and load. Prints one
# line per campaign and ends with "N passed, M failed"; figures go to docs/reliability.md.
#
#   scripts/reliability.sh [--quick] [--seed N] [--only NAME[,NAME…]] [--size N] [--json FILE]
#
# --quick is the ≤ 10-minute version (fewer iterations, the same checks). Every campaign is
# seeded (default seed 1) and replays exactly from its seed. Needs what npm test needs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
npx tsc -p tsconfig.json
bash test/setup.sh >/dev/null
exec node dist/test/reliability/main.js --run "$@"
