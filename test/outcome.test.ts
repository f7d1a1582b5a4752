/**
 * Typed run outcomes (src/kernel/outcome.ts, docs/errors.md): real programs of the corpus end in
 * each kind — exit, signal, out-of-gas, limit, deadlock — on x86-64 and riscv64, the contract
 * layer's protocol check ends a run with kind 'protocol', and the contract failure kinds follow
 * the outcome. exitCode, signal and reason must agree with the outcome.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runElf } from '../src/machine/run.js';
import type { RunOutcome, RunResult } from '../src/machine/types.js';
import { runCall } from '../src/contract/call.js';
import { BUILD } from './helpers.js';

function read(path: string): Uint8Array {
  assert.ok(existsSync(path), `${path} is missing: run bash test/setup.sh`);
  return readFileSync(path);
}

function run(path: string, gasLimit = 200_000_000): RunResult {
  return runElf(read(path), { argv: ['prog'], env: [], gasLimit, limits: { stdoutBytes: 64 * 1024 }, cache: null });
}

/** exitCode, signal and reason are what the outcome says. */
function consistent(r: RunResult): void {
  const o: RunOutcome = r.outcome;
  if (o.kind === 'exit') {
    assert.equal(r.exitCode, o.status);
    assert.equal(r.reason, null);
    assert.equal(r.signal, null);
  } else {
    assert.equal(r.reason, o.reason);
    assert.equal(r.signal, o.kind === 'signal' ? o.signal : null);
    if (o.kind === 'signal') assert.equal(r.exitCode, 128 + o.signal);
  }
}

const ARCHES = [
  { arch: 'x86-64', dir: BUILD, bad: join(BUILD, 'bad'), suffix: 'musl.O2', hello: 'hello.musl.O2' },
  { arch: 'riscv64', dir: join(BUILD, 'rv64'), bad: join(BUILD, 'rv64', 'bad'), suffix: 'rv64.O2', hello: 'hello.rv64.O2' },
];

for (const a of ARCHES) {
  describe(`run outcomes (${a.arch})`, () => {
    it('a normal exit', () => {
      const r = run(join(a.dir, a.hello));
      assert.deepEqual(r.outcome, { kind: 'exit', status: 0 });
      consistent(r);
    });
    it('a fault: signal SIGSEGV', () => {
      const r = run(join(a.bad, `segv.${a.suffix}`));
      assert.equal(r.outcome.kind, 'signal');
      assert.equal(r.outcome.kind === 'signal' && r.outcome.signal, 11);
      consistent(r);
    });
    it('an endless loop: out-of-gas at the same point every time', () => {
      const r1 = run(join(a.bad, `infinite_loop.${a.suffix}`), 2_000_000);
      const r2 = run(join(a.bad, `infinite_loop.${a.suffix}`), 2_000_000);
      assert.equal(r1.outcome.kind, 'out-of-gas');
      assert.deepEqual(r1.outcome, r2.outcome);
      assert.equal(r1.exitCode, 137);
      consistent(r1);
    });
    it('flooding stdout: limit', () => {
      const r = run(join(a.bad, `big_output.${a.suffix}`));
      assert.equal(r.outcome.kind, 'limit');
      assert.match(r.outcome.kind === 'limit' ? r.outcome.reason : '', /stdout limit exceeded/);
      assert.equal(r.exitCode, 1);
      consistent(r);
    });
    it('every thread blocked forever: deadlock', () => {
      const r = run(join(a.bad, `deadlock.${a.suffix}`));
      assert.equal(r.outcome.kind, 'deadlock');
      consistent(r);
    });
  });
}

describe('run outcomes through the contract layer', () => {
  const hello = (): Uint8Array => read(join(BUILD, 'hello.musl.O2'));
  it('a malformed stdout instruction ends the run with kind protocol, failure kind protocol', () => {
    // stdin_echo copies its standard input to stdout: the bad line ends the run as it is written
    const stdin = new TextEncoder().encode('DBW=bad key=1\n' + 'OUT=more\n'.repeat(1000));
    const r = runCall({ code: read(join(BUILD, 'stdin_echo.musl.O2')), stdin, gasLimit: 50_000_000, cache: null });
    assert.equal(r.status, 'failure');
    assert.equal(r.failure?.kind, 'protocol', r.failure?.reason);
    assert.match(r.failure?.reason ?? '', /^protocol error: line 1: invalid byte ' '/);
    // ended by QVM (status 1), not by the program's own exit 0
    assert.equal(r.exitCode, 1);
  });
  it('out of gas and a crash map to their failure kinds', () => {
    assert.equal(runCall({ code: hello(), gasLimit: 1_000, cache: null }).failure?.kind, 'out-of-gas');
    assert.equal(runCall({ code: read(join(BUILD, 'bad', 'segv.musl.O2')), cache: null }).failure?.kind, 'crash');
    assert.equal(runCall({ code: read(join(BUILD, 'bad', 'deadlock.musl.O2')), cache: null }).failure?.kind, 'limit');
  });
});
