/**
 * riscv64 CPU benchmark: the CPU-bound C program (test/c/bench_cpu.c, built for riscv64 by
 * test/setup-riscv64.sh) under QVM's riscv64 CPU and under qemu-riscv64, in one run. Prints the
 * guest MIPS and the time ratio, next to the x86-64 figures of bench/cpu.ts.
 *
 *   node dist/bench/riscv64.js [iterations]
 */
import { benchOne, root } from './harness.js';

const iterations = process.argv[2] ?? '40';
benchOne('cpu-bound C (riscv64 glibc -O2)', `${root}test/build/rv64/bench_cpu.rv64.O2`, [iterations], [iterations], {
  native: false,
  qemu: 'qemu-riscv64',
});
