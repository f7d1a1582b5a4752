/**
 * Shared by the program benchmarks: run one static binary natively, under qemu-x86_64 and under
 * QVM in the same process run, and print QVM's guest MIPS and the time ratios.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { runElf } from '../src/machine/run.js';

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

/** Benchmark one binary; `warmArgs` are the arguments of a short warm-up run (JIT). */
export function benchOne(name: string, binary: string, args: string[], warmArgs: string[] = args, peers: Peers = X86_PEERS): void {
  if (!existsSync(binary)) {
    console.log(`${name}: ${binary} missing (run: bash test/setup.sh)`);
    return;
  }
  const bytes = readFileSync(binary);
  runElf(bytes, { argv: ['contract', ...warmArgs], env: [], gasLimit: 1e12 });
  const t0 = performance.now();
  const r = runElf(bytes, { argv: ['contract', ...args], env: [], gasLimit: 1e12 });
  const qvmSeconds = (performance.now() - t0) / 1000;
  const qvmOut = Buffer.from(r.stdout).toString();
  const native = peers.native ? timeNative([binary, ...args], 3) : null;
  const qemu = timeNative([peers.qemu, binary, ...args], 2);
  const mips = r.instructions / qvmSeconds / 1e6;
  console.log(`== ${name} (${binary.replace(root, '')} ${args.join(' ')})`);
  console.log(`  QVM:          ${qvmSeconds.toFixed(3)} s, ${r.instructions} guest instructions, ${mips.toFixed(1)} MIPS, exit ${r.exitCode}`);
  if (native) {
    console.log(`  native:       ${native.seconds.toFixed(4)} s  -> QVM/native = ${(qvmSeconds / native.seconds).toFixed(1)}x`);
    if (native.stdout !== qvmOut) console.log('  WARNING: QVM output differs from native');
  } else if (peers.native) console.log('  native:       could not run');
  const label = `${peers.qemu}:`.padEnd(14);
  if (qemu) {
    console.log(`  ${label}${qemu.seconds.toFixed(4)} s  -> QVM/qemu = ${(qvmSeconds / qemu.seconds).toFixed(1)}x`);
    if (!peers.native && qemu.stdout !== qvmOut) console.log(`  WARNING: QVM output differs from ${peers.qemu}`);
  } else console.log(`  ${label}not available (apt-get install qemu-user)`);
}
