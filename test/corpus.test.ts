/**
 * The C corpus (test/c/*.c, built by test/setup.sh at -O0 and -O2 with musl): every binary runs
 * natively and under QVM with the same argv, environment and stdin, and must produce identical
 * stdout, stderr and exit status. One test per binary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runElf } from '../src/machine/run.js';
import { ARGV, ENV, GAS, NOT_NATIVE, PENDING, STDIN, corpusBinaries, outcomeDifferences, runNative } from './helpers.js';

for (const bin of corpusBinaries()) {
  if (NOT_NATIVE.has(bin.program)) continue;
  test(`corpus ${bin.file}: same output as native`, { skip: PENDING.get(bin.program) ?? false }, () => {
    const native = runNative(bin.path);
    const r = runElf(readFileSync(bin.path), { argv: ARGV, env: ENV, stdin: STDIN, gasLimit: GAS });
    const problems = outcomeDifferences('native', native, r);
    if (problems.length > 0) {
      assert.fail(`${bin.file}:\n${problems.join('\n')}`);
    }
    // A normal exit says so: no reason, and a signal only when the native run died of one.
    if (native.status < 128) assert.equal(r.reason, null, `${bin.file}: unexpected reason`);
    assert.ok(r.gasUsed >= r.instructions, `${bin.file}: gasUsed ${r.gasUsed} < instructions ${r.instructions}`);
  });
}
