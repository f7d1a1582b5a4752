/**
 * Instruction-level differential test against the host CPU (fixed-seed subset): generated
 * encodings of every integer, SSE and x87 instruction form with random and edge operands run on
 * the real CPU (test/native/difftest.c) and in QVM's interpreter; registers, defined flags,
 * MXCSR/x87 state, memory and faults must agree. Long campaigns: scripts/difftest-campaign.sh.
 *
 * Skipped when not on x86-64 Linux or without gcc.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nativeAvailable } from './difftest/harness.js';
import { CLASSES } from './difftest/gen.js';
import { formatStats, runCampaign } from './difftest/run.js';
import { jitConfig } from '../src/cpu/x86_64/jit.js';
import { wasmStats } from '../src/cpu/x86_64/wasm/region.js';
import { hostCpu } from './host-cpu.js';

const SEED = 20240611;
const CASES = 15000;

const why = nativeAvailable();

test(`difftest: ${CASES} generated instructions agree with the host CPU`, { skip: why ?? false }, (t) => {
  const res = runCampaign(SEED, CASES, { maxReports: 10 });
  t.diagnostic(`host: ${hostCpu().vendor} ${hostCpu().model}`);
  t.diagnostic(res.vendorSkips.summary());
  const failed = [...res.stats.values()].reduce((s, c) => s + c.failures, 0);
  if (failed > 0) assert.fail(`${failed} of ${CASES} cases differ:\n\n${res.failures.join('\n\n')}\n\n${formatStats(res)}`);
  // every class was exercised
  for (const [name] of CLASSES) {
    assert.ok((res.stats.get(name)?.cases ?? 0) > 0, `class ${name} produced no cases`);
  }
});

for (const engine of ['wasm', 'js'] as const) {
  test(`difftest: ${CASES} generated instructions agree with the host CPU when translated (${engine})`, { skip: why ?? false }, (t) => {
  // translate at the first execution: each case's instruction is a region (wasm) or, with the
  // int3 after it, a JavaScript block
    const saved = jitConfig.hot;
    const savedWarmup = jitConfig.warmup;
    const savedWasm = jitConfig.wasm;
    const savedRatio = jitConfig.callRatio;
    jitConfig.callRatio = 0; // also the forms run as handler calls from wasm
    jitConfig.warmup = 0;
    jitConfig.hot = 1;
    jitConfig.wasm = engine === 'wasm';
    const regionsBefore = wasmStats.regions;
    try {
      const res = runCampaign(SEED + (engine === 'wasm' ? 2 : 1), CASES, { maxReports: 10 });
      if (engine === 'wasm') assert.ok(wasmStats.regions - regionsBefore > CASES * 0.9, `only ${wasmStats.regions - regionsBefore} regions compiled`);
      t.diagnostic(res.vendorSkips.summary());
      const failed = [...res.stats.values()].reduce((s, c) => s + c.failures, 0);
      if (failed > 0) assert.fail(`${failed} of ${CASES} cases differ:\n\n${res.failures.join('\n\n')}\n\n${formatStats(res)}`);
    } finally {
      jitConfig.hot = saved;
      jitConfig.warmup = savedWarmup;
      jitConfig.wasm = savedWasm;
      jitConfig.callRatio = savedRatio;
    }
  });
}
