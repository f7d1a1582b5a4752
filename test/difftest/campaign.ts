/**
 * Long differential campaigns (scripts/difftest-campaign.sh):
 *
 *   node dist/test/difftest/campaign.js --run [--cases N] [--seed S] [--reports K] [--jit | --jit-js]
 *
 * Prints the counts per instruction class and the first K failures (encoding, input state and
 * both outputs); exits 1 when anything differs. Without --run it does nothing (node --test may
 * load every file under dist/test/).
 */
import { formatStats, runCampaign } from './run.js';
import { nativeAvailable } from './harness.js';
import { jitConfig } from '../../src/cpu/x86_64/jit.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) return def;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v)) throw new Error(`${name}: not a number`);
  return v;
}

if (process.argv.includes('--run')) {
  const why = nativeAvailable();
  if (why !== null) {
    console.error(`difftest campaign: ${why}`);
    process.exit(2);
  }
  const cases = arg('--cases', 1_000_000);
  const seed = arg('--seed', 1);
  const reports = arg('--reports', 20);
  // --jit: translate each case at its first execution, to a wasm region (every region kept, also
  // those that only call a handler); --jit-js: to a JavaScript block (the case and its int3)
  if (process.argv.includes('--jit') || process.argv.includes('--jit-js')) {
    jitConfig.hot = 1;
    jitConfig.warmup = 0;
    jitConfig.callRatio = 0;
    jitConfig.wasm = !process.argv.includes('--jit-js');
  }
  const t0 = Date.now();
  let last = 0;
  const res = runCampaign(seed, cases, {
    maxReports: reports,
    progress: (done, fails) => {
      const now = Date.now();
      if (now - last > 10_000 || done === cases) {
        last = now;
        process.stderr.write(`  ${done}/${cases} cases, ${fails} failures, ${((now - t0) / 1000).toFixed(0)} s\n`);
      }
    },
  });
  for (const f of res.failures) console.log(f + '\n');
  console.log(`seed ${seed}, ${cases} cases in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  console.log(formatStats(res));
  const failed = [...res.stats.values()].reduce((s, c) => s + c.failures, 0);
  process.exit(failed > 0 ? 1 : 0);
}
