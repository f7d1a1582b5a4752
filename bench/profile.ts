/**
 * The gas profiler's cost: each program is run alternately without and with `profile: true`
 * (best of N each, after a warm-up of both), and the ratio is printed. Without the profiler the
 * interpreter runs exactly the code it runs when nothing asks for a profile, so the "off" column
 * is the plain speed. Run: node dist/bench/profile.js [reps]
 */
import { readFileSync, existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { runElf } from '../src/machine/run.js';
import { root } from './harness.js';

const PROGRAMS: Array<[string, string]> = [
  ['qsort (many small calls)', 'test/build/qsort_bsearch.musl.O2'],
  ['recursion (call-heavy)', 'test/build/recursion.musl.O2'],
  ['bench_cpu (loops, few calls)', 'test/build/bench_cpu.musl.O2'],
  ['go hello (runtime start-up)', 'test/build/go/hello'],
];

const reps = Number(process.argv[2] ?? 3);

function once(bytes: Uint8Array, profile: boolean): { seconds: number; gas: number } {
  const t0 = performance.now();
  const r = runElf(bytes, { argv: ['contract'], env: [], gasLimit: 1e12, profile });
  return { seconds: (performance.now() - t0) / 1000, gas: r.gasUsed };
}

/** Best of `reps` runs each, alternating, so that both see the same machine load and V8 state. */
function compare(bytes: Uint8Array): { off: number; on: number; gas: number } {
  let off = Infinity;
  let on = Infinity;
  let gas = 0;
  for (let i = 0; i < reps; i++) {
    const a = once(bytes, false);
    const b = once(bytes, true);
    if (a.gas !== b.gas) throw new Error(`gas differs with the profiler: ${a.gas} vs ${b.gas}`);
    off = Math.min(off, a.seconds);
    on = Math.min(on, b.seconds);
    gas = a.gas;
  }
  return { off, on, gas };
}

for (const [name, rel] of PROGRAMS) {
  const path = root + rel;
  if (!existsSync(path)) {
    console.log(`${name}: ${rel} missing (run: bash test/setup.sh)`);
    continue;
  }
  const bytes = new Uint8Array(readFileSync(path));
  const calls = (runElf(bytes, { argv: ['contract'], env: [], profile: true }).profile?.functions ?? []).reduce((a, f) => a + f.calls, 0);
  once(bytes, false);
  const { off, on, gas } = compare(bytes);
  console.log(`== ${name} (${rel}): ${gas} gas, ${calls} calls`);
  console.log(`  profiler off: ${off.toFixed(3)} s   on: ${on.toFixed(3)} s   -> on/off = ${(on / off).toFixed(2)}x`);
}
