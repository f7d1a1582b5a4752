/**
 * The C corpus built for riscv64 (test/setup-riscv64.sh: riscv64-linux-gnu-gcc -static, glibc, -O0
 * and -O2) runs under QVM's riscv64 CPU and under qemu-riscv64 with the same argv, environment
 * and stdin, and must give identical stdout, stderr and exit status. One test per binary; skipped
 * without the cross toolchain or qemu-user.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runElf } from '../src/machine/run.js';
import { ARGV, ENV, GAS, NOT_NATIVE, STDIN } from './helpers.js';
import { differences, haveQemuRiscv, qemuReference, riscvBinaries, runQemu } from './riscv64-helpers.js';

const bins = riscvBinaries();
const skip = bins.length === 0 ? 'riscv64 corpus not built (bash test/setup-riscv64.sh)' : !haveQemuRiscv() ? 'qemu-riscv64 missing' : false;

for (const bin of bins.length ? bins : [{ file: '(none)', program: '', path: '' }]) {
  if (NOT_NATIVE.has(bin.program)) continue;
  test(`riscv64 corpus ${bin.file}: same output as qemu-riscv64`, { skip }, () => {
    const r = runElf(readFileSync(bin.path), { argv: ARGV, env: ENV, stdin: STDIN, gasLimit: GAS });
    const ref = qemuReference(() => runQemu(bin.path), r);
    const problems = differences(ref, r);
    if (problems.length > 0) assert.fail(`${bin.file}:\n${problems.join('\n')}`);
    if (ref.status < 128) assert.equal(r.reason, null, `${bin.file}: unexpected reason`);
  });
}
