/**
 * Runs generated cases natively and in QVM and tallies the results per instruction class.
 * Used by test/difftest.test.ts (a fixed-seed subset) and test/difftest/campaign.ts (long runs).
 */
import { Rng, genCase, setProbe, CLASSES } from './gen.js';
import { buildNative, compareOutputs, describeFailure, runNativeBatch, runQvm, type Case } from './harness.js';
import { hostFollowsQvmVendor, VendorSkips } from '../host-cpu.js';

export interface ClassStats {
  cases: number;
  failures: number;
  /** Cases that ended in a fault (on both sides). */
  faults: number;
  /** Cases whose vendor-specific keys were not compared (the host is not QVM's vendor). */
  vendorSkipped: number;
}

export interface CampaignResult {
  stats: Map<string, ClassStats>;
  failures: string[];
  total: number;
  /** Vendor-specific comparisons skipped on this host, by point. */
  vendorSkips: VendorSkips;
}

setProbe((code) => {
  const out = runQvm({ cls: 'probe', name: 'probe', code, mseed: 0, sets: [], flagsUndef: 0 });
  return !out.startsWith('S4:');
});

/** Generates `count` cases from `seed`. */
export function generate(seed: number, count: number): Case[] {
  const r = new Rng(seed);
  const out: Case[] = [];
  for (let i = 0; i < count; i++) out.push(genCase(r));
  return out;
}

/**
 * Runs `count` cases from `seed` in batches; failures beyond `maxReports` are counted but not
 * described. `progress` is called after every batch.
 */
export function runCampaign(
  seed: number,
  count: number,
  opts: { batch?: number; maxReports?: number; progress?: (done: number, failures: number) => void } = {},
): CampaignResult {
  const batch = opts.batch ?? 20_000;
  const maxReports = opts.maxReports ?? 50;
  const { exe, cleanup } = buildNative();
  const stats = new Map<string, ClassStats>();
  for (const [name] of CLASSES) stats.set(name, { cases: 0, failures: 0, faults: 0, vendorSkipped: 0 });
  const failures: string[] = [];
  const vendorSkips = new VendorSkips();
  const sameVendor = hostFollowsQvmVendor();
  let nFail = 0;
  const r = new Rng(seed);
  try {
    for (let done = 0; done < count;) {
      const n = Math.min(batch, count - done);
      const cases: Case[] = [];
      for (let i = 0; i < n; i++) cases.push(genCase(r));
      const native = runNativeBatch(exe, cases);
      for (let i = 0; i < n; i++) {
        const c = cases[i]!;
        const q = runQvm(c);
        let st = stats.get(c.cls);
        if (st === undefined) { st = { cases: 0, failures: 0, faults: 0, vendorSkipped: 0 }; stats.set(c.cls, st); }
        st.cases++;
        if (native[i]!.startsWith('S')) st.faults++;
        const skipVendor = c.vendorSpecific !== undefined && !sameVendor;
        if (skipVendor) { st.vendorSkipped++; vendorSkips.add(c.vendorSpecific!.point); }
        const why = compareOutputs(c, native[i]!, q, skipVendor);
        if (why !== null) {
          st.failures++;
          nFail++;
          if (failures.length < maxReports) failures.push(describeFailure(c, native[i]!, q, why));
        }
      }
      done += n;
      opts.progress?.(done, nFail);
    }
  } finally {
    cleanup();
  }
  return { stats, failures, total: count, vendorSkips };
}

/** A table of per-class counts. */
export function formatStats(res: CampaignResult): string {
  const rows = [...res.stats].filter(([, s]) => s.cases > 0);
  const w = Math.max(...rows.map(([n]) => n.length), 5);
  let out = `${'class'.padEnd(w)}  ${'cases'.padStart(9)}  ${'faults'.padStart(8)}  ${'failures'.padStart(8)}  ${'vendor-skipped'.padStart(14)}\n`;
  let tc = 0, tf = 0, tx = 0, tv = 0;
  for (const [name, s] of rows) {
    out += `${name.padEnd(w)}  ${String(s.cases).padStart(9)}  ${String(s.faults).padStart(8)}  ${String(s.failures).padStart(8)}  ${String(s.vendorSkipped).padStart(14)}\n`;
    tc += s.cases; tf += s.failures; tx += s.faults; tv += s.vendorSkipped;
  }
  out += `${'total'.padEnd(w)}  ${String(tc).padStart(9)}  ${String(tx).padStart(8)}  ${String(tf).padStart(8)}  ${String(tv).padStart(14)}\n`;
  out += res.vendorSkips.summary() + '\n';
  return out;
}
