/**
 * Instruction-level differential test of the riscv64 CPU against qemu-riscv64 (fixed-seed
 * subset): generated single instructions and short sequences of every class (integer, M, A, F/D
 * in every rounding mode with special values, conversions, C forms, random encodings) run in the
 * same harness binary under both; registers, FP registers, fcsr, memory and faults must agree.
 * Long campaigns: scripts/difftest-rv64-campaign.sh. Skipped without the harness or qemu-user.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLASSES } from './difftest-rv64/gen.js';
import { formatStats, harnessMissing, runCampaign } from './difftest-rv64/run.js';

const SEED = 20261204;
const CASES = 12000;

test(`riscv64 difftest: ${CASES} generated cases agree with qemu-riscv64`, { skip: harnessMissing() ?? false }, () => {
  const res = runCampaign(SEED, CASES, { maxReports: 10 });
  const failed = [...res.stats.values()].reduce((s, c) => s + c.failures, 0);
  if (failed > 0) assert.fail(`${failed} of ${CASES} cases differ:\n\n${res.failures.join('\n\n')}\n\n${formatStats(res)}`);
  for (const [name] of CLASSES) assert.ok((res.stats.get(name)?.cases ?? 0) > 0, `class ${name} produced no cases`);
});
