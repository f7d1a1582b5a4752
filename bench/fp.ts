/**
 * Floating-point benchmark: test/c/bench_fp.c (SSE2 double math and x87 long double arithmetic,
 * built by test/setup.sh with musl and glibc) run natively, under qemu-x86_64 and under QVM.
 * Prints QVM's guest MIPS and the time ratios, like bench/cpu.ts.
 *
 *   npm run bench            (or: node dist/bench/fp.js [iterations])
 */
import { benchOne, root } from './harness.js';

const iterations = process.argv[2] ?? '100';
benchOne('floating point: SSE2 double + x87 long double (musl -O2)', `${root}test/build/bench_fp.musl.O2`, [iterations], ['2']);
benchOne('floating point: SSE2 double + x87 long double (glibc -O2)', `${root}test/build/bench_fp.glibc.O2`, [iterations], ['2']);
