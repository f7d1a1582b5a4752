/**
 * CPU benchmark: one CPU-bound C program (test/c/bench_cpu.c, built by test/setup.sh) run natively,
 * under qemu-x86_64 and under QVM, in one run. Prints QVM's guest MIPS and the time ratios.
 *
 *   npm run bench            (or: node dist/bench/cpu.js [iterations])
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { runElf } from '../src/machine/run.js';

const root = new URL('../..', import.meta.url).pathname;

function timeNative(cmd: string[], reps: number): { seconds: number; stdout: string } | null {
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

function benchOne(name: string, binary: string, args: string[]): void {
  if (!existsSync(binary)) {
    console.log(`${name}: ${binary} missing (run: bash test/setup.sh)`);
    return;
  }
  const bytes = readFileSync(binary);
  // warm-up run (JIT), then the measured one
  runElf(bytes, { argv: ['contract', ...args], env: [] });
  const t0 = performance.now();
  const r = runElf(bytes, { argv: ['contract', ...args], env: [] });
  const qvmSeconds = (performance.now() - t0) / 1000;
  const qvmOut = Buffer.from(r.stdout).toString();
  const native = timeNative([binary, ...args], 3);
  const qemu = timeNative(['qemu-x86_64', binary, ...args], 2);
  const mips = r.instructions / qvmSeconds / 1e6;
  console.log(`== ${name} (${binary.replace(root, '')} ${args.join(' ')})`);
  console.log(`  QVM:          ${qvmSeconds.toFixed(3)} s, ${r.instructions} guest instructions, ${mips.toFixed(1)} MIPS, exit ${r.exitCode}`);
  if (native) {
    console.log(`  native:       ${native.seconds.toFixed(4)} s  -> QVM/native = ${(qvmSeconds / native.seconds).toFixed(1)}x`);
    if (native.stdout !== qvmOut) console.log('  WARNING: QVM output differs from native');
  } else console.log('  native:       could not run');
  if (qemu) console.log(`  qemu-x86_64:  ${qemu.seconds.toFixed(4)} s  -> QVM/qemu = ${(qvmSeconds / qemu.seconds).toFixed(1)}x`);
  else console.log('  qemu-x86_64:  not available (apt-get install qemu-user)');
}

const iterations = process.argv[2] ?? '40';
benchOne('cpu-bound C (musl -O2)', `${root}test/build/bench_cpu.musl.O2`, iterations ? [iterations] : []);
