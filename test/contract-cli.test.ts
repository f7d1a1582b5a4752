/**
 * `qvm run` in contract mode: summaries, --json, --db/--read, options after the contract's
 * arguments, --state across separate CLI runs, one-line errors, and plain mode left as it was.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD, CLI } from './helpers.js';
import { EXAMPLES, PROBE } from './contract-helpers.js';

const REGISTRY = join(EXAMPLES, 'registry-c');
const TOKEN = join(EXAMPLES, 'token-c');
const work = mkdtempSync(join(tmpdir(), 'qvm-contract-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

function qvm(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonResult {
  status: string;
  failure: { kind: string; reason: string; stderr: string } | null;
  gasUsed: number;
  reads: string[];
  ops: Array<{ op: string; key: string; value?: string }>;
  writes: Array<{ key: string; value: string }>;
  deletes: string[];
  events: Array<{ topic0: string; data: string }>;
  exitCode: number;
  state?: { file: string; saved: boolean };
}

function qvmJson(...args: string[]): JsonResult {
  const r = qvm(args[0]!, '--json', ...args.slice(1));
  assert.equal(r.stderr, '');
  return JSON.parse(r.stdout) as JsonResult;
}

describe('qvm run: contract mode', () => {
  it('prints a summary: status, gas, reads, events, writes, deletes', () => {
    const r = qvm('run', REGISTRY, 'register', 'alice', '--db', 'USER_CURRENT=bob', '--db', 'TOTALUSERS=3',
      '--db', 'QVM_INITIALIZED=true', '--db', 'QVM_INIT_MAXUSER=10', '--read', 'USER_CURRENT,TOTALUSERS');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^status: {2}success\ngas: {5}\d+\nreads: {3}USER_CURRENT, TOTALUSERS, QVM_INIT_MAXUSER\n/);
    assert.ok(r.stdout.includes('events:\n  prevname: bob\n'), r.stdout);
    assert.ok(r.stdout.includes('writes:\n  USER_CURRENT = alice\n  USER_4 = alice\n  TOTALUSERS = 4\n'), r.stdout);
    assert.ok(r.stdout.includes('deletes: (none)\n'), r.stdout);
  });

  it('options go before the ELF or after the arguments; -- ends them', () => {
    const before = qvmJson('run', '--db', 'K=v', '--read', 'K', PROBE, 'env', 'a');
    const afterArgs = qvmJson('run', PROBE, 'env', 'a', '--db', 'K=v', '--read=K');
    assert.deepEqual(before, afterArgs);
    assert.ok(before.events.some((e) => e.data === 'env[0]=DB_K=v'));
    const dashed = qvmJson('run', PROBE, 'env', '--contract', '--', '--db', 'x');
    assert.deepEqual(dashed.events.slice(0, 4).map((e) => e.data), ['argc=4', 'argv[0]=contract', 'argv[1]=env', 'argv[2]=--db']);
  });

  it('--json gives the whole result', () => {
    const j = qvmJson('run', '--sender', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', TOKEN, '--construct', '500');
    assert.equal(j.status, 'success');
    assert.equal(j.failure, null);
    assert.deepEqual(j.writes, [
      { key: 'TOTAL_SUPPLY', value: '500' },
      { key: 'BAL_0x70997970c51812dc3a010c7d01b50e0d17dc79c8', value: '500' },
      { key: 'QVM_INITIALIZED', value: 'true' },
    ]);
    assert.deepEqual(j.events.map((e) => e.data), ['mint 0x70997970c51812dc3a010c7d01b50e0d17dc79c8 500']);
    assert.match(j.events[0]!.topic0, /^0x[0-9a-f]{64}$/);
    assert.ok(j.gasUsed > 0);
    assert.equal(j.exitCode, 0);
  });

  it('a failed call exits 1 and shows the reason and stderr', () => {
    const r = qvm('run', '--contract', REGISTRY, 'register', 'alice');
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^status: {2}failure \(stderr\)\nreason: {2}the contract wrote \d+ bytes to stderr \(exit status 1\)\n/);
    assert.ok(r.stdout.includes('stderr:\n  contract is not initialized\n'), r.stdout);
    const j = qvmJson('run', '--contract', '--stdin', '/dev/null', PROBE, 'exit', '4');
    assert.equal(j.status, 'failure');
    assert.deepEqual(j.failure, { kind: 'exit', reason: 'exit status 4', stderr: '' });
    assert.deepEqual(j.writes, []);
  });

  it('plain output lines are shown under "output:"', () => {
    const stdin = join(work, 'out.txt');
    writeFileSync(stdin, 'hello there\nDBW=A=1\nOUT=e\n');
    const r = qvm('run', '--contract', '--stdin', stdin, PROBE, 'echo');
    assert.equal(r.status, 0);
    assert.ok(r.stdout.includes('output:\n  hello there\n'), r.stdout);
  });

  it('--state keeps the storage between runs; a failed call leaves it unchanged', () => {
    const state = join(work, 'registry.json');
    let r = qvm('run', REGISTRY, '--construct', '2', '--state', state);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.ok(r.stdout.includes(`state:   saved to ${state} (2 keys)`));
    r = qvm('run', REGISTRY, 'register', 'alice', '--state', state, '--read', 'USER_CURRENT,TOTALUSERS');
    assert.equal(r.status, 0, r.stdout);
    assert.ok(r.stdout.includes('prevname: unknown'));
    const j = qvmJson('run', '--state', state, REGISTRY, 'register', 'bob');
    const viaTrailing = JSON.parse(qvm('run', '--state', join(work, 'other.json'), REGISTRY, 'register', 'x', '--json').stdout) as JsonResult;
    assert.equal(viaTrailing.status, 'failure', 'in contract mode, --json after the arguments is an option too');
    assert.deepEqual(j.events.map((e) => e.data), ['prevname: alice']);
    assert.deepEqual(j.state, { file: state, saved: true });
    assert.deepEqual(JSON.parse(readFileSync(state, 'utf8')), {
      format: 'qvm-contract-state/1',
      storage: {
        QVM_INITIALIZED: 'true',
        QVM_INIT_MAXUSER: '2',
        TOTALUSERS: '2',
        USER_1: 'alice',
        USER_2: 'bob',
        USER_CURRENT: 'bob',
      },
    });
    const saved = readFileSync(state, 'utf8');
    r = qvm('run', REGISTRY, 'register', 'carol', '--state', state);
    assert.equal(r.status, 1);
    assert.ok(r.stdout.includes('register: the registry is full'));
    assert.ok(r.stdout.includes(`state:   ${state} unchanged`));
    r = qvm('run', REGISTRY, '--construct', '--state', state);
    assert.equal(r.status, 1);
    assert.ok(r.stdout.includes('contract is already initialized'));
    assert.equal(readFileSync(state, 'utf8'), saved);
  });

  it('bad input gives one line on stderr and exit status 2', () => {
    const bad: string[][] = [
      ['run', REGISTRY, 'register', 'x', '--read', 'BAD-KEY'],
      ['run', REGISTRY, 'register', 'x', '--db', 'NOEQUALS'],
      ['run', REGISTRY, 'register', 'x', '--db', 'K=a\nb'],
      ['run', REGISTRY, 'register', 'x', '--sender', '0x12'],
      ['run', '--env', 'A=1', REGISTRY, '--construct'],
      ['run', join(BUILD, 'hello.dynamic'), '--construct'],
      ['run', join(work, 'missing'), '--construct'],
    ];
    const corrupt = join(work, 'corrupt.json');
    writeFileSync(corrupt, '{"format": "qvm-contract-state/1", "storage": {"bad key": "x"}}');
    bad.push(['run', REGISTRY, 'register', 'x', '--state', corrupt]);
    for (const args of bad) {
      const r = qvm(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, '');
      const lines = r.stderr.split('\n').filter((l) => l.length > 0);
      assert.equal(lines.length, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(lines[0]!, /^qvm: |^error: /);
    }
    assert.ok(!existsSync(join(work, 'missing')));
  });

  it('plain qvm run is unchanged', () => {
    const r = qvm('run', join(BUILD, 'hello.musl.O2'), 'world', '--json');
    assert.equal(r.status, 0);
    assert.equal(r.stdout, 'hello, world\n', 'options after the ELF are the program\'s arguments');
    const j = qvm('run', '--json', join(BUILD, 'argv_env.musl.O2'), '--gas', '5', '--trace');
    assert.equal(j.status, 0);
    const parsed = JSON.parse(j.stdout) as { stdout: string };
    assert.match(parsed.stdout, /argv\[1\]=\[--gas\]\nargv\[2\]=\[5\]\nargv\[3\]=\[--trace\]/, 'general options after the ELF stay the program\'s arguments');
    assert.match(parsed.stdout, /envc=0/);
  });
});
