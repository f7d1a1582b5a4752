/**
 * CPU benchmark: one CPU-bound C program (test/c/bench_cpu.c, built by test/setup.sh) run natively,
 * under qemu-x86_64 and under QVM, in one run. Prints QVM's guest MIPS and the time ratios.
 *
 *   npm run bench            (or: node dist/bench/cpu.js [iterations])
 */
import { benchOne, root } from './harness.js';

const iterations = process.argv[2] ?? '40';
benchOne('cpu-bound C (musl -O2)', `${root}test/build/bench_cpu.musl.O2`, [iterations]);
