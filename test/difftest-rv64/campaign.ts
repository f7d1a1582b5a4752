/**
 * A long riscv64 differential campaign: node dist/test/difftest-rv64/campaign.js [CASES] [SEED].
 * Prints the first differences and the counts per instruction class (docs/cpu-riscv64.md).
 */
import { formatStats, harnessMissing, runCampaign } from './run.js';

const cases = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 1);
const missing = harnessMissing();
if (missing) {
  console.error(`difftest-rv64: ${missing}`);
  process.exit(2);
}
const t0 = Date.now();
const res = runCampaign(seed, cases, { maxReports: 20 });
if (res.failures.length) console.log(res.failures.join('\n\n') + '\n');
console.log(formatStats(res));
const failed = [...res.stats.values()].reduce((s, c) => s + c.failures, 0);
console.log(`${cases} cases, seed ${seed}: ${cases - failed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
process.exit(failed ? 1 : 0);
