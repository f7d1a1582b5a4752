/**
 * Whether code is translated never changes a result: C (musl, glibc, -O0/-O2), C++, Rust and Go
 * programs of the test corpus give the same RunResult with the translator off, with the normal
 * warm-up, and forced on from the first execution of every head, to WebAssembly regions and to
 * JavaScript blocks. (All of test/build runs this way in the difftest campaign's corpus pass;
 * this is the subset the suite can afford.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runElf } from '../src/machine/run.js';
import { jitConfig } from '../src/cpu/x86_64/jit.js';
import { wasmStats } from '../src/cpu/x86_64/wasm/region.js';
import type { RunResult } from '../src/machine/types.js';
import { ARGV, BUILD, ENV, GAS, STDIN } from './helpers.js';

const PROGRAMS = [
  'hello.musl.O2', 'bitops.musl.O2', 'int_edge.musl.O0', 'qsort_bsearch.musl.O2', 'recursion.musl.O2',
  'string_ops.glibc.O2', 'mulmagic.musl.O2', 'setjmp_test.musl.O2', 'signals.musl.O2', 'sigcontext.musl.O2',
  'selfmod.musl.O2', 'threads.musl.O2', 'fp_conv.musl.O2', 'malloc_stress.musl.O2', 'bench_cpu.musl.O2',
  'go/hello', 'go/goroutines', 'go/preempt',
];

function outcome(r: RunResult): object {
  return {
    exitCode: r.exitCode, signal: r.signal, reason: r.reason,
    stdout: Buffer.from(r.stdout).toString('base64'), stderr: Buffer.from(r.stderr).toString('base64'),
    gasUsed: r.gasUsed, instructions: r.instructions, syscalls: r.syscalls,
  };
}

type Mode = 'off' | 'warm' | 'wasm' | 'js';

function runMode(bytes: Uint8Array, mode: Mode): RunResult {
  const saved = { ...jitConfig };
  try {
    if (mode === 'off') jitConfig.warmup = Number.MAX_SAFE_INTEGER;
    else if (mode !== 'warm') { jitConfig.hot = 1; jitConfig.warmup = 0; jitConfig.wasm = mode === 'wasm'; jitConfig.callRatio = 0; }
    // no program cache: each mode decodes and translates afresh
    return runElf(bytes, { argv: ARGV, env: ENV, stdin: STDIN, gasLimit: GAS, cache: null });
  } finally {
    Object.assign(jitConfig, saved);
  }
}

for (const name of PROGRAMS) {
  const path = join(BUILD, name);
  test(`translator on/off: ${name}`, { skip: existsSync(path) ? false : `${path} missing` }, () => {
    const bytes = readFileSync(path);
    const ref = outcome(runMode(bytes, 'off'));
    const before = wasmStats.retired;
    for (const mode of ['wasm', 'warm', 'js'] as const) {
      assert.deepEqual(outcome(runMode(bytes, mode)), ref, `${name}: translator ${mode} differs from off`);
      if (mode === 'wasm') assert.ok(wasmStats.retired > before, `${name}: nothing ran translated`);
    }
  });
}
