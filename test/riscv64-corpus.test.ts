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
import { ARGV, ENV, GAS, NOT_NATIVE, STDIN, firstDifference } from './helpers.js';
import { haveQemuRiscv, riscvBinaries, runQemu } from './riscv64-helpers.js';

const bins = riscvBinaries();
const skip = bins.length === 0 ? 'riscv64 corpus not built (bash test/setup-riscv64.sh)' : !haveQemuRiscv() ? 'qemu-riscv64 missing' : false;

for (const bin of bins.length ? bins : [{ file: '(none)', program: '', path: '' }]) {
  if (NOT_NATIVE.has(bin.program)) continue;
  test(`riscv64 corpus ${bin.file}: same output as qemu-riscv64`, { skip }, () => {
    const ref = runQemu(bin.path);
    const r = runElf(readFileSync(bin.path), { argv: ARGV, env: ENV, stdin: STDIN, gasLimit: GAS });
    const problems: string[] = [];
    const out = firstDifference('stdout', ref.stdout, r.stdout);
    if (out) problems.push(out);
    const err = firstDifference('stderr', ref.stderr, r.stderr);
    if (err) problems.push(err);
    if (ref.status !== r.exitCode) problems.push(`exit status: qemu ${ref.status}, qvm ${r.exitCode}`);
    if (problems.length > 0) {
      problems.push(`qvm: reason ${JSON.stringify(r.reason)}, ${r.instructions} instructions, unknown syscalls [${r.unknownSyscalls.join(', ')}]`);
      assert.fail(`${bin.file}:\n${problems.join('\n')}`);
    }
    if (ref.status < 128) assert.equal(r.reason, null, `${bin.file}: unexpected reason`);
  });
}
