#!/usr/bin/env bash
# Long instruction-level differential campaign of the riscv64 CPU against qemu-riscv64:
#   scripts/difftest-rv64-campaign.sh [CASES (default 1000000)] [SEED (default 1)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
npx tsc -p tsconfig.json
bash test/setup-riscv64.sh
exec node dist/test/difftest-rv64/campaign.js "${1:-1000000}" "${2:-1}"
