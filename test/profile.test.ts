/**
 * The gas profiler (src/machine/profile): on corpus programs, the stacks add up to gasUsed exactly,
 * profiling changes nothing of the run, the known hot functions are where they should be, two runs
 * (and runs with the block translator on or off) give the same profile, a stripped binary is
 * labelled by address ranges, and `qvm run --profile` writes speedscope JSON and folded stacks.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runElf } from '../src/machine/run.js';
import { jitConfig } from '../src/cpu/x86_64/jit.js';
import { runCall, runDeploy, applyOps } from '../src/contract/index.js';
import type { GasProfile } from '../src/machine/profile/types.js';
import { isPseudoFrame } from '../src/machine/profile/types.js';
import { BUILD, CLI, ROOT } from './helpers.js';
import { code, EXAMPLES } from './contract-helpers.js';

const bin = (name: string): Uint8Array => new Uint8Array(readFileSync(join(BUILD, name)));

function profiled(bytes: Uint8Array, argv: string[] = ['contract'], gasLimit?: number) {
  const plain = runElf(bytes, { argv, env: [], gasLimit });
  const r = runElf(bytes, { argv, env: [], gasLimit, profile: true });
  assert.equal(plain.profile, undefined, 'no profile unless asked for');
  assert.ok(r.profile, 'profile present');
  return { plain, r, p: r.profile };
}

/** Every accounting identity a profile must satisfy. */
function assertExact(p: GasProfile, gasUsed: number): void {
  assert.equal(p.gasUsed, gasUsed);
  const sum = p.stacks.reduce((a, s) => a + s.gas, 0);
  assert.equal(sum, gasUsed, 'stacks add up to gasUsed');
  const c = p.categories;
  assert.equal(c.instructions + c.syscalls + c.memory + c.output + c.storage, gasUsed, 'categories add up to gasUsed');
  const self = p.functions.reduce((a, f) => a + f.self, 0);
  assert.equal(self, c.instructions, 'exclusive gas of the functions = instruction gas');
  for (const s of p.stacks) {
    assert.ok(s.gas > 0);
    for (const f of s.frames.slice(0, -1)) assert.ok(!isPseudoFrame(f), `pseudo-frame ${f} only as a leaf`);
  }
  const root = p.stacks[0]!.frames[0]!;
  assert.ok(p.stacks.every((s) => s.frames[0] === root), 'one root');
  assert.equal(p.functions.find((f) => f.name === root)?.total, gasUsed, 'the root includes everything');
}

const fn = (p: GasProfile, name: string) => p.functions.find((f) => f.name === name);

describe('gas profiler', () => {
  for (const name of ['hello.musl.O2', 'bench_cpu.musl.O2', 'threads.musl.O2', 'signals.musl.O2', 'setjmp_test.musl.O2', 'malloc_stress.glibc.O2']) {
    it(`${name}: exact totals, and the run is the same as without the profiler`, () => {
      const { plain, r, p } = profiled(bin(name));
      assert.equal(r.gasUsed, plain.gasUsed);
      assert.equal(r.instructions, plain.instructions);
      assert.deepEqual(r.stdout, plain.stdout);
      assertExact(p, r.gasUsed);
      assert.equal(p.naming, 'symbols');
      assert.ok(fn(p, 'main'), 'main is in the profile');
      assert.ok(p.categories.syscalls > 0 && p.categories.memory > 0 && p.categories.output > 0);
    });
  }

  it('qsort_bsearch: qsort and its callees dominate, main holds nearly everything', () => {
    const { r, p } = profiled(bin('qsort_bsearch.musl.O2'));
    assertExact(p, r.gasUsed);
    const main = fn(p, 'main')!;
    const qsort = fn(p, 'qsort')!;
    assert.ok(main.total > 0.99 * p.categories.instructions, `main ${main.total} of ${p.categories.instructions}`);
    assert.ok(qsort.total > 0.6 * r.gasUsed, `qsort has ${qsort.total} of ${r.gasUsed}`);
    assert.ok(qsort.calls >= 1);
    assert.ok(fn(p, 'bsearch')!.total < qsort.total);
    // the comparison function is called from within qsort
    const cmpStacks = p.stacks.filter((s) => s.frames.includes('wrapper_cmp'));
    assert.ok(cmpStacks.length > 0 && cmpStacks.every((s) => s.frames.indexOf('qsort') >= 0 && s.frames.indexOf('qsort') < s.frames.indexOf('wrapper_cmp')));
    // printf's share: the output path is attributed below printf
    assert.ok(p.stacks.some((s) => s.frames.includes('printf') && s.frames[s.frames.length - 1] === '[syscall writev]'));
  });

  it('threads: each thread\'s functions are on its own stack, below (thread)', () => {
    const { r, p } = profiled(bin('threads.musl.O2'));
    assertExact(p, r.gasUsed);
    for (const name of ['worker', 'player', 'consumer']) {
      const stacks = p.stacks.filter((s) => s.frames.includes(name));
      assert.ok(stacks.length > 0, `${name} present`);
      assert.ok(stacks.every((s) => s.frames[1] === '(thread)' && !s.frames.includes('main')), `${name} only on thread stacks`);
    }
    assert.equal(fn(p, 'worker')!.calls, 4);
    assert.equal(fn(p, 'pthread_create')!.calls, 8); // 4 workers, 2 players, a producer and a consumer
  });

  it('bench_cpu: sha256_block is the hottest function after main', () => {
    const { r, p } = profiled(bin('bench_cpu.musl.O2'));
    assertExact(p, r.gasUsed);
    assert.deepEqual(p.functions.slice(0, 2).map((f) => f.name), ['main', 'sha256_block']);
    assert.equal(fn(p, 'sha256')!.calls, 2);
  });

  it('the same profile on two runs, and with the block translator on or off', () => {
    const b = bin('recursion.musl.O2');
    const a = runElf(b, { argv: ['contract'], env: [], profile: true }).profile;
    const again = runElf(b, { argv: ['contract'], env: [], profile: true }).profile;
    assert.deepEqual(again, a);
    const saved = { ...jitConfig };
    try {
      jitConfig.warmup = 0;
      jitConfig.hot = 1;
      const jitNow = runElf(b, { argv: ['contract'], env: [], profile: true }).profile;
      jitConfig.warmup = Number.MAX_SAFE_INTEGER;
      const interpreted = runElf(b, { argv: ['contract'], env: [], profile: true }).profile;
      assert.deepEqual(jitNow, a);
      assert.deepEqual(interpreted, a);
    } finally {
      Object.assign(jitConfig, saved);
    }
  });

  it('a stripped binary: functions are address ranges, the same gas as with symbols', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qvm-prof-'));
    try {
      const stripped = join(dir, 'qsort.stripped');
      const s = spawnSync('strip', ['-o', stripped, join(BUILD, 'setjmp_test.musl.O2')]);
      assert.equal(s.status, 0, String(s.stderr));
      const withSyms = runElf(bin('setjmp_test.musl.O2'), { argv: ['contract'], env: [], profile: true });
      const r = runElf(new Uint8Array(readFileSync(stripped)), { argv: ['contract'], env: [], profile: true });
      const p = r.profile!;
      assert.equal(r.gasUsed, withSyms.gasUsed);
      assertExact(p, r.gasUsed);
      assert.equal(p.naming, 'addresses');
      for (const f of p.functions) assert.match(f.name, /^0x[0-9a-f]+-0x[0-9a-f]+$/);
      // the same call tree shape and weights, only the names differ
      const shape = (q: GasProfile) => q.stacks.map((x) => `${x.frames.length}:${x.frames[x.frames.length - 1]!.startsWith('[') ? x.frames[x.frames.length - 1] : ''}:${x.gas}`);
      assert.deepEqual(shape(p), shape(withSyms.profile!));
      // the entry range starts at the ELF entry point and is the root
      const main = withSyms.profile!.functions.find((f) => f.name === 'main')!;
      assert.ok(p.functions.some((f) => f.self === main.self && f.total === main.total));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a recursion deeper than the recorded frames: the stack is right again once it has returned', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qvm-prof-deep-'));
    try {
      const exe = join(dir, 'deep');
      const cc = spawnSync('musl-gcc', ['-O1', '-static', '-o', exe, join(ROOT, 'test', 'profile', 'deep_recursion.c')], { encoding: 'utf8' });
      assert.equal(cc.status, 0, cc.stderr);
      const { r, p } = profiled(new Uint8Array(readFileSync(exe)));
      assert.equal(Buffer.from(r.stdout).toString(), '5000 333328333350000\n');
      assertExact(p, r.gasUsed);
      const leafStacks = p.stacks.filter((s) => s.frames.includes('leaf'));
      assert.deepEqual(leafStacks.map((s) => s.frames.join(';')), ['_start;_start_c;main;leaf']);
      assert.ok(fn(p, 'down')!.calls >= 1000 && fn(p, 'down')!.calls < 5001, 'calls past the depth limit are not recorded as frames');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a run stopped by its gas limit: the profile still adds up to gasUsed', () => {
    for (const limit of [1_000, 54_321, 300_007]) {
      const { r, p } = profiled(bin('qsort_bsearch.musl.O2'), ['contract'], limit);
      assert.match(r.reason ?? '', /out of gas/);
      assertExact(p, r.gasUsed);
    }
  });

  it('a Go program', { skip: !existsSync(join(BUILD, 'go', 'hello')) && 'go programs not built' }, () => {
    const { r, p } = profiled(bin('go/hello'));
    assertExact(p, r.gasUsed);
    assert.ok(fn(p, 'main.main'), 'main.main present');
    assert.ok(fn(p, 'runtime.mallocgc'), 'the runtime is present');
  });

  it('contract mode: storage and event gas under the function that printed them', () => {
    const token = code(join(EXAMPLES, 'token-c'));
    const storage = new Map<string, Uint8Array | string>();
    const d = runDeploy({ code: token, args: ['1000'], storage, profile: true });
    assertExact(d.profile!, d.gasUsed);
    applyOps(storage, d);
    const input = { code: token, storage, args: ['transfer', '0x70997970c51812dc3a010c7d01b50e0d17dc79c8', '300'], readKeys: [] };
    const plain = runCall(input);
    const r = runCall({ ...input, profile: true });
    assert.equal(r.status, 'success');
    assert.equal(r.gasUsed, plain.gasUsed);
    assert.equal(plain.profile, undefined);
    const p = r.profile!;
    assertExact(p, r.gasUsed);
    assert.ok(p.categories.storage > 0);
    assert.ok(p.stacks.some((s) => s.frames.includes('main') && s.frames[s.frames.length - 1] === '[storage]'), 'storage gas charged below main');
  });
});

describe('qvm run --profile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qvm-prof-cli-'));
  const hello = join(BUILD, 'hello.musl.O2');
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'run', ...args], { encoding: 'utf8' });

  it('writes speedscope JSON whose weights add up to gasUsed', () => {
    const out = join(dir, 'hello.speedscope.json');
    const r = run('--json', '--profile', out, hello, 'world');
    assert.equal(r.status, 0, r.stderr);
    const gasUsed = JSON.parse(r.stdout).gasUsed as number;
    const s = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(s.$schema, 'https://www.speedscope.app/file-format-schema.json');
    const prof = s.profiles[0];
    assert.equal(prof.type, 'sampled');
    assert.equal(prof.weights.reduce((a: number, b: number) => a + b, 0), gasUsed);
    assert.equal(prof.endValue, gasUsed);
    const names = prof.samples.flat().map((i: number) => s.shared.frames[i].name);
    assert.ok(names.includes('main'));
  });

  it('writes folded stacks (by --profile-format or the .folded extension), in contract mode too', () => {
    for (const [file, extra] of [['a.txt', ['--profile-format', 'folded']], ['b.folded', []]] as const) {
      const out = join(dir, file);
      const r = run('--json', '--profile', out, ...extra, hello);
      assert.equal(r.status, 0, r.stderr);
      const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
      const total = lines.reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      assert.equal(total, JSON.parse(r.stdout).gasUsed);
      assert.ok(lines.some((l) => /^_start;_start_c;main;/.test(l)));
    }
    const out = join(dir, 'c.folded');
    const r = run(join(EXAMPLES, 'token-c'), '--construct', '77', '--json', '--profile', out);
    assert.equal(r.status, 0, r.stderr);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    assert.equal(lines.reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0), JSON.parse(r.stdout).gasUsed);
    assert.ok(lines.some((l) => l.endsWith(`[storage] ${l.slice(l.lastIndexOf(' ') + 1)}`)));
  });

  it('a bad format is a one-line error', () => {
    const r = run('--profile', join(dir, 'x'), '--profile-format', 'pprof', hello);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^qvm: --profile-format must be one of speedscope, folded, got "pprof"\n$/);
  });

  it('cleans up', () => rmSync(dir, { recursive: true, force: true }));
});
