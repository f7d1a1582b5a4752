/**
 * The per-program cache (src/machine/program-cache.ts) changes no result: the C corpus (musl
 * -O2), Go programs and every example contract give the same RunResult or
 * CallResult with the cache disabled, cold (first run) and warm (later runs, which reuse the
 * pristine image, the decoded code and, after the warm-up, compiled blocks). Plus: code rewritten
 * inside the image is seen by its run and forgotten by the next, and the byte bound evicts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runElf } from '../src/machine/run.js';
import { ProgramCache } from '../src/machine/program-cache.js';
import type { RunOptions, RunResult } from '../src/machine/types.js';
import { applyOps, runCall, runDeploy, type CallInput, type CallResult, type StorageValue } from '../src/contract/index.js';
import { spawnSync } from 'node:child_process';
import { ARGV, BUILD, CLI, ENV, GAS, STDIN, corpusBinaries } from './helpers.js';

/** Everything a run's result holds that consensus depends on. */
function outcome(r: RunResult): object {
  return {
    exitCode: r.exitCode,
    signal: r.signal,
    reason: r.reason,
    stdout: Buffer.from(r.stdout).toString('base64'),
    stderr: Buffer.from(r.stderr).toString('base64'),
    gasUsed: r.gasUsed,
    instructions: r.instructions,
    syscalls: r.syscalls,
    unknownSyscalls: r.unknownSyscalls,
  };
}

/** Disabled, cold, warm: all three must agree. */
function compareRuns(name: string, bytes: Uint8Array, opts: RunOptions, cache: ProgramCache): void {
  const off = outcome(runElf(bytes, { ...opts, cache: null }));
  for (const phase of ['cold', 'warm']) {
    assert.deepEqual(outcome(runElf(bytes, { ...opts, cache })), off, `${name}: cache ${phase} differs from no cache`);
  }
}

const shared = new ProgramCache();

// The C corpus with musl at -O2 (the other builds of the same programs add run time, not new
// cases for the cache; the benchmark programs are left out for the same reason).
const CORPUS = corpusBinaries().filter((b) => b.file.endsWith('.musl.O2') && !b.program.startsWith('bench_'));
/** Go programs covering the runtime's start-up, goroutines and preemption signals. */
const GO = ['hello', 'register', 'goroutines', 'preempt'];

test('corpus: identical results with the cache disabled, cold and warm', () => {
  for (const bin of CORPUS) {
    compareRuns(bin.file, readFileSync(bin.path), { argv: ARGV, env: ENV, stdin: STDIN, gasLimit: GAS }, shared);
  }
});

test('Go programs: identical results with the cache disabled, cold and warm', { skip: !existsSync(join(BUILD, 'go')) && 'no Go build' }, () => {
  const dir = join(BUILD, 'go');
  for (const f of readdirSync(dir).filter((n) => GO.includes(n))) {
    compareRuns(`go/${f}`, readFileSync(join(dir, f)), { argv: ['contract'], env: ['QAN_NAME=alice', 'QAN_USER=0x1234'], gasLimit: GAS }, shared);
  }
});

test('out of gas stops at the same instruction cold and warm', () => {
  const bytes = readFileSync(join(BUILD, 'malloc_stress.musl.O2'));
  const cache = new ProgramCache();
  for (const gasLimit of [1_000, 54_321, 400_000]) {
    const opts: RunOptions = { argv: ARGV, env: ENV, stdin: STDIN, gasLimit };
    const off = runElf(bytes, { ...opts, cache: null });
    assert.match(off.reason ?? '', /^out of gas/);
    compareRuns(`malloc_stress gas ${gasLimit}`, bytes, opts, cache);
  }
});

const ALICE = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
const BOB = '0x70997970c51812dc3a010c7d44c5d5ab5dbcdfbd';

type Kind = 'token' | 'registry' | 'probe';

/** Deploy and a sequence of calls (successes and failures) of one contract, with or without a cache. */
function session(code: Uint8Array, kind: Kind, cache: ProgramCache | null): CallResult[] {
  const storage = new Map<string, StorageValue>();
  const out: CallResult[] = [];
  const step = (r: CallResult): void => {
    out.push(r);
    applyOps(storage, r);
  };
  const base = (args: string[], more: Partial<CallInput> = {}): CallInput =>
    ({ code, args, storage, gasLimit: 500_000_000, cache, context: { sender: ALICE }, ...more });
  if (kind === 'probe') {
    step(runDeploy(base([])));
    step(runCall(base(['writes', '5', '1'])));
    step(runCall(base(['env'], { readKeys: ['K1', 'K2'] })));
    step(runCall(base(['read', 'K3', 'NOPE'])));
    step(runCall(base(['ls'])));
    step(runCall(base(['echo', 'bad', '3'], { stdin: new TextEncoder().encode('OUT=x\n') })));
    step(runCall(base(['rofs', 'K1'])));
    step(runCall(base(['alloc', '3'])));
    step(runCall(base(['big', '5000'])));
    step(runCall(base(['loop'], { gasLimit: 300_000 })));
  } else if (kind === 'token') {
    step(runDeploy(base(['1000'])));
    for (let i = 0; i < 4; i++) step(runCall(base(['transfer', BOB, String(10 + i)], { readKeys: [`BAL_${ALICE}`, `BAL_${BOB}`] })));
    step(runCall(base(['transfer', ALICE, '99999'], { context: { sender: BOB } })));
    step(runCall(base(['balance', BOB])));
    step(runCall(base(['transfer', BOB, '1'], { gasLimit: 20_000 })));
  } else {
    step(runDeploy(base(['3'])));
    for (let i = 0; i < 3; i++) step(runCall(base(['register', `name${i}`], { context: { sender: i % 2 === 0 ? ALICE : BOB } })));
    step(runCall(base(['lookup', 'name1'])));
    step(runCall(base(['nonsense'])));
  }
  return out;
}

function callOutcome(r: CallResult): object {
  return { ...r, stdout: Buffer.from(r.stdout).toString('base64'), stderr: Buffer.from(r.stderr).toString('base64'), trace: [] };
}

test('contracts (test/contracts, examples): identical call results with the cache disabled, cold and warm', () => {
  const dir = join(BUILD, 'examples');
  const contracts: Array<[string, Kind]> = [[join(BUILD, 'contracts', 'probe'), 'probe']];
  for (const f of readdirSync(dir).sort()) contracts.push([join(dir, f), f.startsWith('token') ? 'token' : 'registry']);
  for (const [f, kind] of contracts) {
    const code = readFileSync(f);
    const off = session(code, kind, null).map(callOutcome);
    assert.ok(off.some((r) => (r as CallResult).status === 'success'), `${f}: no call succeeded`);
    assert.ok(off.some((r) => (r as CallResult).status === 'failure'), `${f}: no call failed`);
    const cache = new ProgramCache();
    for (const phase of ['cold', 'warm']) {
      assert.deepEqual(session(code, kind, cache).map(callOutcome), off, `${f}: cache ${phase} differs`);
    }
    assert.equal(cache.stats().misses, 1, `${f}: one entry built`);
  }
});

test('code rewritten in the image: each run sees its own patch and starts from pristine bytes', () => {
  const bytes = readFileSync(join(BUILD, 'selfmod_image.musl.O2'));
  const cache = new ProgramCache();
  for (let i = 0; i < 4; i++) {
    const r = runElf(bytes, { argv: ['prog'], env: [], gasLimit: GAS, cache });
    assert.equal(Buffer.from(r.stdout).toString(), 'before 41 after 1000\n', `run ${i}`);
    assert.equal(r.exitCode, 0);
  }
  assert.deepEqual(cache.stats().hits, 3);
});

test('the byte bound drops the least recently used program', () => {
  const a = readFileSync(join(BUILD, 'hello.musl.O2'));
  const b = readFileSync(join(BUILD, 'printf_int.musl.O2'));
  const cache = new ProgramCache(1); // smaller than any program: only the last one stays
  const opts: RunOptions = { argv: ARGV, env: ENV, stdin: STDIN, gasLimit: GAS, cache };
  const ra = outcome(runElf(a, opts));
  runElf(b, opts);
  assert.deepEqual(cache.stats().entries, 1);
  assert.deepEqual(cache.stats().evictions, 1);
  assert.deepEqual(outcome(runElf(a, opts)), ra);
  assert.equal(cache.stats().misses, 3);
  assert.throws(() => new ProgramCache(-1), /non-negative/);
});

test('qvm run --no-cache gives the same JSON result', () => {
  const run = (extra: string[]): string => {
    const r = spawnSync(process.execPath, [CLI, 'run', '--json', ...extra, join(BUILD, 'argv_env.musl.O2'), 'x', 'y z'], { encoding: 'utf8' });
    assert.equal(r.stderr, '');
    return r.stdout;
  };
  const cached = run([]);
  assert.match(cached, /"exitCode": 0/);
  assert.equal(run(['--no-cache']), cached);
});
