/**
 * Shared by the program benchmarks: run one static binary natively, under qemu-x86_64 and under
 * QVM in the same process run, and print QVM's guest MIPS and the time ratios.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { runElf } from '../src/machine/run.js';
import { jitConfig } from '../src/cpu/x86_64/jit.js';
import { wasmStats } from '../src/cpu/x86_64/wasm/region.js';
import type { RunResult } from '../src/machine/types.js';
import { ProgramCache } from '../src/machine/program-cache.js';

export const root = new URL('../..', import.meta.url).pathname;

/** Best wall time of `reps` runs of a host command, or null if it cannot run. */
export function timeNative(cmd: string[], reps: number): { seconds: number; stdout: string } | null {
  let best = Infinity;
  let stdout = '';
  for (let k = 0; k < reps; k++) {
    const t0 = performance.now();
    const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8' });
    const t = (performance.now() - t0) / 1000;
    if (r.error || r.status !== 0) return null;
    stdout = r.stdout;
    best = Math.min(best, t);
  }
  return { seconds: best, stdout };
}

/** How a binary is run outside QVM for comparison: natively (x86-64) and under which qemu-user. */
export interface Peers {
  native: boolean;
  qemu: string;
}
const X86_PEERS: Peers = { native: true, qemu: 'qemu-x86_64' };

/** How QVM runs an x86-64 binary in a benchmark: the translator's engine, or none. */
type Mode = 'wasm' | 'js' | 'off';
const MODE_LABEL: Record<Mode, string> = { wasm: 'QVM (wasm)', js: 'QVM (js jit)', off: 'QVM (no jit)' };

interface QvmRun {
  r: RunResult;
  seconds: number;
  /** CPU time of the process (all its threads: wasm compilation runs in the background). */
  cpuSeconds: number;
  /** Share of the retired instructions that ran in wasm regions. */
  translated: number;
}

function runQvm(bytes: Uint8Array, args: string[], warmArgs: string[], mode: Mode): QvmRun {
  const saved = { ...jitConfig };
  if (mode === 'off') jitConfig.warmup = Number.MAX_SAFE_INTEGER;
  jitConfig.wasm = mode === 'wasm';
  // a cache of its own per mode: the measured run reuses what the warm-up run decoded and compiled
  const cache = new ProgramCache();
  try {
    runElf(bytes, { argv: ['contract', ...warmArgs], env: [], gasLimit: 1e12, cache });
    const retired0 = wasmStats.retired;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = runElf(bytes, { argv: ['contract', ...args], env: [], gasLimit: 1e12, cache });
    const seconds = (performance.now() - t0) / 1000;
    const cu = process.cpuUsage(c0);
    return { r, seconds, cpuSeconds: (cu.user + cu.system) / 1e6, translated: (wasmStats.retired - retired0) / r.instructions };
  } finally {
    Object.assign(jitConfig, saved);
  }
}

/**
 * Benchmark one binary; `warmArgs` are the arguments of a short warm-up run (JIT). x86-64 binaries
 * run with the wasm translator, the JavaScript block translator and none, in the same process.
 */
export function benchOne(name: string, binary: string, args: string[], warmArgs: string[] = args, peers: Peers = X86_PEERS): void {
  if (!existsSync(binary)) {
    console.log(`${name}: ${binary} missing (run: bash test/setup.sh)`);
    return;
  }
  const bytes = readFileSync(binary);
  const modes: Mode[] = peers.native ? ['wasm', 'js', 'off'] : ['wasm'];
  const runs = modes.map((m) => [m, runQvm(bytes, args, warmArgs, m)] as const);
  const native = peers.native ? timeNative([binary, ...args], 3) : null;
  const qemu = timeNative([peers.qemu, binary, ...args], 2);
  console.log(`== ${name} (${binary.replace(root, '')} ${args.join(' ')})`);
  const label = `${peers.qemu}:`.padEnd(14);
  if (native) console.log(`  native:       ${native.seconds.toFixed(4)} s`);
  else if (peers.native) console.log('  native:       could not run');
  if (qemu) console.log(`  ${label}${qemu.seconds.toFixed(4)} s`);
  else console.log(`  ${label}not available (apt-get install qemu-user)`);
  for (const [mode, q] of runs) {
    const mips = q.r.instructions / q.seconds / 1e6;
    const ratios = [native ? `QVM/native = ${(q.seconds / native.seconds).toFixed(1)}x` : null, qemu ? `QVM/qemu = ${(q.seconds / qemu.seconds).toFixed(1)}x` : null]
      .filter((x) => x !== null).join(', ');
    const share = peers.native ? `, ${(100 * q.translated).toFixed(1)}% translated (wasm)` : '';
    console.log(`  ${(MODE_LABEL[mode] + ':').padEnd(14)}${q.seconds.toFixed(3)} s (CPU ${q.cpuSeconds.toFixed(3)} s), ${q.r.instructions} instructions, ${mips.toFixed(1)} MIPS (${(q.r.instructions / q.cpuSeconds / 1e6).toFixed(1)} per CPU second)${share}, exit ${q.r.exitCode}  -> ${ratios}`);
    const out = Buffer.from(q.r.stdout).toString();
    if (native && native.stdout !== out) console.log(`  WARNING: ${MODE_LABEL[mode]} output differs from native`);
    if (!peers.native && qemu && qemu.stdout !== out) console.log(`  WARNING: QVM output differs from ${peers.qemu}`);
  }
}
