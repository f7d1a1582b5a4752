/**
 * The Go programs (test/go/<name>/) built with GOARCH=riscv64 (test/setup-riscv64.sh) run under
 * qemu-riscv64 and under QVM's riscv64 CPU: identical stdout, stderr and exit status. The threaded
 * ones run a second time and must give identical output, gas and instruction counts. Skipped
 * without the riscv64 Go builds or qemu-user.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runElf } from '../src/machine/run.js';
import type { RunResult } from '../src/machine/types.js';
import { differences, haveQemuRiscv, qemuReference, runQemu, RV_BUILD } from './riscv64-helpers.js';

const GO = join(RV_BUILD, 'go');
const GAS = 5_000_000_000;
const ENV = ['QAN_USER=0xabc', 'QAN_NAME=alice'];
const programs = existsSync(GO) ? readdirSync(GO).filter((f) => !f.includes('.')).sort() : [];
const skip = programs.length === 0 ? 'riscv64 Go programs not built (bash test/setup-riscv64.sh with go)' : !haveQemuRiscv() ? 'qemu-riscv64 missing' : false;
const THREADED = new Set(['goroutines', 'syncmutex', 'selecttime', 'preempt']);

function qvm(path: string): RunResult {
  return runElf(readFileSync(path), { argv: ['contract'], env: ENV, gasLimit: GAS });
}

for (const name of programs.length ? programs : ['(none)']) {
  test(`go riscv64 ${name}: same output as qemu-riscv64`, { skip }, () => {
    const path = join(GO, name);
    const r = qvm(path);
    const ref = qemuReference(() => runQemu(path, ['contract'], ENV, new Uint8Array(0)), r);
    const problems = differences(ref, r);
    if (problems.length > 0) assert.fail(`${name}:\n${problems.join('\n')}\n${Buffer.from(r.stderr).toString().slice(0, 2000)}`);
    if (ref.status < 128) assert.equal(r.reason, null);
    assert.deepEqual(r.unknownSyscalls, []);
    if (THREADED.has(name)) {
      const again = qvm(path);
      assert.deepEqual(Buffer.from(again.stdout), Buffer.from(r.stdout));
      assert.equal(again.gasUsed, r.gasUsed);
      assert.equal(again.instructions, r.instructions);
    }
  });
}
