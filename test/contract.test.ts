/**
 * Contract ABI v1 (SPEC §2, §4) end to end: runCall/runDeploy on real binaries. The probe contract
 * (test/contracts/probe.c) shows what a contract sees (argv, environment, stdin, /qvm/db) and
 * prints whatever protocol output a test feeds it on stdin.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { keccak_256 } from '@noble/hashes/sha3';
import {
  applyOps,
  codeGas,
  DEFAULT_CONTEXT,
  GAS_STORAGE_READ,
  GAS_STORAGE_READ_BYTE,
  runCall,
  runDeploy,
  storageWriteGas,
  TOPIC_STDERR,
  TOPIC_STDOUT,
  type CallInput,
  type CallResult,
  type StorageValue,
} from '../src/contract/index.js';
import { BUILD } from './helpers.js';
import { assertSuccess, bytes, code, eventsOf, PROBE, text, writesOf } from './contract-helpers.js';

const GAS = 200_000_000;

function probe(args: string[], more: Partial<CallInput> = {}): CallResult {
  return runCall({ code: code(PROBE), args, gasLimit: GAS, ...more });
}

/** Runs the probe's `echo`: stdout = the given text exactly. */
function echo(stdout: string | Uint8Array, more: Partial<CallInput> = {}, err = '', exit = 0): CallResult {
  return probe(['echo', err, String(exit)], { stdin: typeof stdout === 'string' ? bytes(stdout) : stdout, ...more });
}

function topic(name: string): string {
  return '0x' + Buffer.from(keccak_256(name)).toString('hex');
}

describe('contract ABI: argv, environment and stdin', () => {
  it('the environment is exactly the spec\'s, sorted by name, with nothing of the host', () => {
    process.env.QVM_HOST_LEAK = 'must not be seen';
    const storage = new Map<string, StorageValue>([
      ['A', 'one'],
      ['B', bytes('two = 2')],
      ['NOT_REQUESTED', 'hidden'],
      ['QVM_INITIALIZED', 'true'],
    ]);
    const r = probe(['env', 'x y', ''], {
      storage,
      readKeys: ['B', 'A', 'MISSING', 'A'],
      stdin: bytes('the payload'),
      context: {
        blockNumber: 77n,
        blockTimestamp: 1_750_000_000n,
        prevBlockHash: new Uint8Array(32).fill(0xab),
        chainId: 31337n,
        txHash: new Uint8Array(32).fill(0xcd),
        contract: '0xABCDEF0123456789abcdef0123456789ABCDEF01',
        sender: '0x00000000000000000000000000000000000000Fe',
        value: 10n ** 18n,
      },
    });
    delete process.env.QVM_HOST_LEAK;
    assertSuccess(r);
    assert.deepEqual(eventsOf(r), [
      'argc=4',
      'argv[0]=contract',
      'argv[1]=env',
      'argv[2]=x y',
      'argv[3]=',
      'env[0]=DB_A=one',
      'env[1]=DB_B=two = 2',
      'env[2]=DB_QVM_INITIALIZED=true',
      'env[3]=HOME=/',
      'env[4]=LANG=C.UTF-8',
      'env[5]=PATH=/bin',
      'env[6]=QVM_BLOCK_NUMBER=77',
      'env[7]=QVM_BLOCK_TIMESTAMP=1750000000',
      'env[8]=QVM_CHAIN_ID=31337',
      'env[9]=QVM_CONTRACT=0xabcdef0123456789abcdef0123456789abcdef01',
      'env[10]=QVM_PREV_BLOCK_HASH=0x' + 'ab'.repeat(32),
      'env[11]=QVM_SENDER=0x00000000000000000000000000000000000000fe',
      'env[12]=QVM_TX_HASH=0x' + 'cd'.repeat(32),
      'env[13]=QVM_VALUE=1000000000000000000',
      'env[14]=TZ=UTC',
      'cwd=/',
      'stdin=the payload',
    ]);
    assert.deepEqual(r.reads, ['B', 'A', 'MISSING'], 'requested keys are recorded as reads, once each, found or not');
    assert.deepEqual(r.writes, []);
  });

  it('defaults: the development context, empty stdin, no DB_ variables', () => {
    const r = probe(['env']);
    assertSuccess(r);
    const env = eventsOf(r).filter((l) => l.startsWith('env['));
    assert.equal(env.length, 12);
    assert.ok(env.includes(`env[6]=QVM_CONTRACT=${DEFAULT_CONTEXT.contract}`));
    assert.ok(env.includes(`env[8]=QVM_SENDER=${DEFAULT_CONTEXT.sender}`));
    assert.ok(eventsOf(r).includes('stdin='));
    assert.deepEqual(r.reads, []);
  });

  it('a deploy runs `contract construct [extra…]`; success adds QVM_INITIALIZED=true to the writes', () => {
    const r = runDeploy({ code: code(PROBE), args: ['extra one', 'two'], gasLimit: GAS });
    assertSuccess(r, 'deploy');
    const ev = eventsOf(r);
    assert.deepEqual(ev.slice(0, 4), ['argc=4', 'argv[0]=contract', 'argv[1]=construct', 'argv[2]=extra one']);
    assert.ok(!ev.some((l) => l.includes('DB_QVM_INITIALIZED')), 'a first construct does not see DB_QVM_INITIALIZED');
    assert.deepEqual(writesOf(r), ['QVM_INITIALIZED=true']);
    // every later call sees DB_QVM_INITIALIZED=true without asking for it
    const storage = new Map<string, StorageValue>();
    applyOps(storage, r);
    const next = probe(['env'], { storage });
    assert.ok(eventsOf(next).includes('env[0]=DB_QVM_INITIALIZED=true'));
    assert.deepEqual(next.reads, []);
  });

  it('a failed deploy writes nothing (no QVM_INITIALIZED)', () => {
    const r = runDeploy({ code: code(PROBE), args: [], gasLimit: GAS, stdin: bytes('x'), limits: { stdoutBytes: 10 } });
    assert.equal(r.status, 'failure');
    assert.deepEqual(r.ops, []);
    assert.deepEqual(r.writes, []);
  });

  it('bad call input fails the call before it runs', () => {
    const nul = probe(['env', 'a\0b']);
    assert.equal(nul.failure?.kind, 'input');
    assert.match(nul.failure!.reason, /argument 2 contains a NUL byte/);
    assert.equal(nul.gasUsed, 0);
    assert.equal(probe(['env'], { readKeys: ['BAD-KEY'] }).failure?.kind, 'input');
    assert.equal(probe(['env'], { readKeys: ['K'.repeat(129)] }).failure?.kind, 'input');
    assert.equal(probe(['env'], { context: { sender: '0x1234' } }).failure?.kind, 'input');
    assert.equal(probe(['env'], { context: { txHash: new Uint8Array(31) } }).failure?.kind, 'input');
    const bad = runCall({ code: bytes('#!/bin/sh\necho not an ELF\n'), args: [] });
    assert.equal(bad.failure?.kind, 'invalid-code');
    assert.deepEqual(bad.events.map((e) => e.topic0), [TOPIC_STDERR]);
  });

  it('arguments and environment are limited in size (argEnvBytes)', () => {
    const big = 'a'.repeat(2000);
    const r = probe(['env', big], { limits: { argEnvBytes: 1500 } });
    assert.equal(r.failure?.kind, 'limit');
    assert.match(r.failure!.reason, /arguments and environment too large \(\d+ bytes, limit 1500\)/);
    assertSuccess(probe(['env', big], { limits: { argEnvBytes: 4000 } }));
    // requested storage values count too
    const storage = new Map([['V', 'v'.repeat(3000)]]);
    assert.equal(probe(['env'], { storage, readKeys: ['V'], limits: { argEnvBytes: 3000 } }).failure?.kind, 'limit');
    // above the machine's ARG_MAX (256 KiB) the call fails as a limit too, whatever argEnvBytes says
    const huge = probe(['env', 'b'.repeat(300 * 1024)], { limits: { argEnvBytes: 4 << 20 } });
    assert.equal(huge.failure?.kind, 'limit');
    assert.match(huge.failure!.reason, /arguments and environment too large \(\d+ bytes, limit 262144\)/);
  });
});

describe('contract ABI: lazy storage reads (/qvm/db)', () => {
  const storage = new Map<string, StorageValue>([
    ['BALANCE', '42'],
    ['OWNER', 'alice'],
    ['A_FIRST', 'x'],
    ['lower', 'y'],
  ]);

  it('opening /qvm/db/KEY gives its value; a missing key gives ENOENT; every lookup is recorded', () => {
    const r = probe(['read', 'OWNER', 'NOPE', 'BALANCE', 'OWNER', 'bad-name'], { storage, readKeys: ['A_FIRST'] });
    assertSuccess(r);
    assert.deepEqual(eventsOf(r), ['OWNER:alice', 'NOPE:errno=2', 'BALANCE:42', 'OWNER:alice', 'bad-name:errno=2']);
    assert.deepEqual(r.reads, ['A_FIRST', 'OWNER', 'NOPE', 'BALANCE'], 'env reads first, then lookups in order, once each');
  });

  it('listing /qvm/db lists the keys, sorted', () => {
    const r = probe(['ls'], { storage });
    assertSuccess(r);
    assert.deepEqual(eventsOf(r), ['ls:A_FIRST,BALANCE,OWNER,lower']);
    assert.deepEqual(probe(['ls']).events.map((e) => text(e.data)), ['ls:']);
  });

  it('/qvm/db is read-only (EROFS)', () => {
    const r = probe(['rofs', 'BALANCE'], { storage });
    assertSuccess(r);
    assert.deepEqual(eventsOf(r), ['errno=30,30']);
  });

  it('shows the storage before the call, not the call\'s own writes', () => {
    const r = echo('DBW=OWNER=bob\n', { storage });
    assertSuccess(r);
    const after = probe(['read', 'OWNER'], { storage });
    assert.deepEqual(eventsOf(after), ['OWNER:alice']);
  });

  it('each read is metered: per lookup and per byte of the value', () => {
    const big = (n: number): Map<string, StorageValue> => new Map([['K', 'v'.repeat(n)]]);
    const none = probe(['read'], { storage: big(300) });
    const one = probe(['read', 'K'], { storage: big(300) });
    const missing = probe(['read', 'NOPE'], { storage: big(300) });
    const longer = probe(['read', 'K'], { storage: big(1000) });
    for (const r of [none, one, missing, longer]) assertSuccess(r);
    // the program reads at most 255 bytes either way: only the lookup's charge differs
    assert.equal(longer.gasUsed - one.gasUsed, 700 * GAS_STORAGE_READ_BYTE);
    assert.ok(missing.gasUsed - none.gasUsed >= GAS_STORAGE_READ);
    // a requested key is charged as well
    const env = probe(['exit', '0'], { storage: big(1000), readKeys: ['K'] });
    const noEnv = probe(['exit', '0'], { storage: big(1000) });
    assert.ok(env.gasUsed - noEnv.gasUsed >= GAS_STORAGE_READ + 1000 * GAS_STORAGE_READ_BYTE);
  });
});

describe('contract ABI: stdout protocol', () => {
  it('writes and deletes apply in the order printed; OUT lines are events; other lines are ignored', () => {
    const r = echo('DBW=A=1\nDBW=B=2\nplain text\nDBP=A\nDBW=A=3=three\nOUT=first event\nDBP=B,GONE\nOUT=last, unterminated');
    assertSuccess(r);
    assert.deepEqual(r.ops.map((o) => (o.op === 'write' ? `W ${o.key}=${text(o.value)}` : `D ${o.key}`)), [
      'W A=1',
      'W B=2',
      'D A',
      'W A=3=three',
      'D B',
      'D GONE',
    ]);
    assert.deepEqual(writesOf(r), ['A=1', 'B=2', 'A=3=three']);
    assert.deepEqual(r.deletes, ['A', 'B', 'GONE']);
    assert.deepEqual(eventsOf(r), ['first event', 'last, unterminated']);
    const storage = new Map<string, StorageValue>([['GONE', 'x'], ['KEEP', 'k']]);
    applyOps(storage, r);
    assert.deepEqual([...storage.entries()].map(([k, v]) => `${k}=${typeof v === 'string' ? v : text(v)}`).sort(), ['A=3=three', 'KEEP=k']);
  });

  it('events carry topic0 = keccak256("QVM_CONTRACT_STDOUT")', () => {
    const r = echo('OUT=hello\n');
    assert.equal(TOPIC_STDOUT, topic('QVM_CONTRACT_STDOUT'));
    assert.equal(TOPIC_STDERR, topic('QVM_CONTRACT_STDERR'));
    assert.deepEqual(r.events, [{ topic0: TOPIC_STDOUT, data: bytes('hello') }]);
  });

  it('values may hold any byte but newline and NUL', () => {
    const out = Buffer.concat([Buffer.from('DBW=BIN='), Buffer.from([1, 2, 0xff, 0x80, 13, 9, 61]), Buffer.from('\n')]);
    const r = echo(new Uint8Array(out));
    assertSuccess(r);
    assert.deepEqual([...r.writes[0]!.value], [1, 2, 0xff, 0x80, 13, 9, 61]);
  });

  const malformed: Array<[string, string, RegExp]> = [
    ['a DBW without value', 'DBW=A=1\nDBW=NOVALUE\n', /^protocol error: line 2: DBW without '=' after the key/],
    ['an empty key', 'OUT=x\nDBW==v\n', /^protocol error: line 2: DBW with an empty key/],
    ['a bad key character', 'DBW=A=1\nDBW=a.b=v\n', /^protocol error: line 2: invalid byte '\.' \(0x2e\) in DBW key/],
    ['an empty DBP key', 'DBP=A,,B\n', /^protocol error: line 1: DBP with an empty key/],
    ['a key of 129 bytes', `DBW=A=1\nDBW=${'K'.repeat(129)}=v\n`, /^protocol error: line 2: DBW key longer than 128 bytes/],
    ['a value of 64 KiB + 1', `DBW=A=1\nDBW=K=${'v'.repeat(65537)}\n`, /^protocol error: line 2: DBW value longer than 65536 bytes/],
    ['a NUL in a value', 'DBW=A=1\nDBW=K=a\0b\n', /^protocol error: line 2: NUL byte in DBW value/],
    ['a write of the reserved key', 'DBW=A=1\nDBW=QVM_INITIALIZED=false\n', /^protocol error: line 2: key QVM_INITIALIZED is reserved/],
    ['a delete of the reserved key', 'DBP=QVM_INITIALIZED\n', /^protocol error: line 1: key QVM_INITIALIZED is reserved/],
  ];
  for (const [what, out, reason] of malformed) {
    it(`${what} fails the call, and nothing of it is applied`, () => {
      const r = echo(out + 'OUT=after\n');
      assert.equal(r.status, 'failure');
      assert.equal(r.failure?.kind, 'protocol');
      assert.match(r.failure!.reason, reason);
      assert.deepEqual(r.ops, []);
      assert.deepEqual(r.writes, []);
      assert.deepEqual(r.events, [{ topic0: TOPIC_STDERR, data: bytes(r.failure!.reason) }]);
    });
  }

  it('keys of 128 bytes and values of 64 KiB are fine', () => {
    const key = 'K'.repeat(128);
    const r = echo(`DBW=${key}=${'v'.repeat(65536)}\n`);
    assertSuccess(r);
    assert.equal(r.writes[0]!.key, key);
    assert.equal(r.writes[0]!.value.length, 65536);
  });

  it('a protocol error stops the program at once', () => {
    const out = 'DBW=bad-key=1\n' + 'x'.repeat(200_000);
    const r = echo(out);
    assert.equal(r.failure?.kind, 'protocol');
    assert.ok(r.stdout.length <= 4096, `the program went on writing ${r.stdout.length} bytes`);
  });

  it('the number of writes per call is limited (maxWrites)', () => {
    const r = echo('DBW=A=1\nDBP=B,C\nDBW=D=4\n', { limits: { maxWrites: 3 } });
    assert.equal(r.failure?.kind, 'protocol');
    assert.match(r.failure!.reason, /line 3: more than 3 storage writes and deletes in one call/);
    assertSuccess(echo('DBW=A=1\nDBP=B,C\n', { limits: { maxWrites: 3 } }));
  });
});

describe('contract ABI: success and failure', () => {
  it('anything on stderr fails the call: writes and events dropped, the stderr excerpt is the failure event', () => {
    const r = echo('DBW=A=1\nOUT=ok\n', {}, 'something went wrong\n', 0);
    assert.equal(r.status, 'failure');
    assert.equal(r.failure?.kind, 'stderr');
    assert.equal(r.exitCode, 0);
    assert.deepEqual(r.ops, []);
    assert.deepEqual(r.events, [{ topic0: TOPIC_STDERR, data: bytes('something went wrong\n') }]);
    assert.equal(text(r.failure!.stderr), 'something went wrong\n');
    assert.equal(text(r.stderr), 'something went wrong\n');
  });

  it('the failure keeps the first 1 KiB of stderr', () => {
    const long = 'e'.repeat(1000) + 'F'.repeat(1000);
    const r = echo('', {}, long, 1);
    assert.equal(r.failure?.kind, 'stderr');
    assert.equal(text(r.failure!.stderr), long.slice(0, 1024));
    assert.equal(text(r.events[0]!.data), long.slice(0, 1024));
    assert.equal(r.stderr.length, 2000);
  });

  it('a non-zero exit status with empty stderr fails the call', () => {
    const r = probe(['exit', '3']);
    assert.equal(r.status, 'failure');
    assert.equal(r.failure?.kind, 'exit');
    assert.equal(r.failure?.reason, 'exit status 3');
    assert.equal(r.exitCode, 3);
    assert.deepEqual(r.writes, []);
    assert.deepEqual(r.events, [{ topic0: TOPIC_STDERR, data: bytes('exit status 3') }]);
    const ok = probe(['exit', '0']);
    assertSuccess(ok);
    assert.deepEqual(writesOf(ok), ['A=1']);
    assert.deepEqual(eventsOf(ok), ['bye']);
  });

  it('a crash fails the call with the signal as reason', () => {
    const r = runCall({ code: code(join(BUILD, 'bad', 'segv.musl.O2')), args: [], gasLimit: GAS });
    assert.equal(r.failure?.kind, 'crash');
    assert.match(r.failure!.reason, /segmentation fault|SIGSEGV/);
    assert.equal(r.exitCode, 128 + 11);
  });

  it('the same call gives the same result, bit for bit', () => {
    const input: Partial<CallInput> = { storage: new Map([['K', 'v']]), readKeys: ['K'], stdin: bytes('OUT=x\nDBW=A=1\n') };
    const a = probe(['echo'], input);
    const b = probe(['echo'], input);
    assert.deepEqual(a, b);
  });
});

describe('contract ABI: gas and limits', () => {
  it('storage writes and events cost gas', () => {
    const none = probe(['writes', '0']);
    const ten = probe(['writes', '10']);
    assertSuccess(ten);
    assert.equal(ten.writes.length, 10);
    assert.ok(ten.gasUsed - none.gasUsed >= 10 * storageWriteGas(2, 1), `${ten.gasUsed} - ${none.gasUsed}`);
  });

  it('out of gas in the middle of printing writes: nothing is applied, at the same point every time', () => {
    const base = probe(['writes', '0', '1']).gasUsed;
    const all = probe(['writes', '300', '1']);
    assertSuccess(all);
    const perLine = (all.gasUsed - base) / 300;
    const gasLimit = Math.floor(base + 120 * perLine);
    const r = probe(['writes', '300', '1'], { gasLimit });
    assert.equal(r.status, 'failure');
    assert.equal(r.failure?.kind, 'out-of-gas');
    assert.match(r.failure!.reason, /^out of gas \(limit \d+\)/);
    assert.equal(r.gasUsed, gasLimit);
    assert.deepEqual(r.ops, []);
    assert.deepEqual(r.writes, []);
    const printed = text(r.stdout).split('\n').filter((l) => l.startsWith('DBW=')).length;
    assert.ok(printed > 50 && printed < 300, `stopped after ${printed} writes`);
    assert.deepEqual(probe(['writes', '300', '1'], { gasLimit }), r, 'same result again');
  });

  it('a program that never ends runs out of gas', () => {
    const r = probe(['loop'], { gasLimit: 1_000_000 });
    assert.equal(r.failure?.kind, 'out-of-gas');
    assert.equal(r.gasUsed, 1_000_000);
  });

  it('output past the stdout limit fails the call', () => {
    const r = echo('DBW=A=1\n' + 'x'.repeat(5000), { limits: { stdoutBytes: 4096 } });
    assert.equal(r.failure?.kind, 'limit');
    assert.equal(r.failure?.reason, 'stdout limit exceeded (4096 bytes)');
    assert.deepEqual(r.writes, []);
    assert.equal(r.stdout.length, 4096);
    const big = probe(['big', String(2 * 1024 * 1024)]);
    assert.equal(big.failure?.reason, 'stdout limit exceeded (1048576 bytes)', 'default stdout limit: 1 MiB');
  });

  it('output past the stderr limit fails the call', () => {
    const r = echo('', { limits: { stderrBytes: 100 } }, 'E'.repeat(300));
    assert.equal(r.failure?.kind, 'limit');
    assert.equal(r.failure?.reason, 'stderr limit exceeded (100 bytes)');
  });

  it('memory past the limit fails the call', () => {
    const r = probe(['alloc', '64'], { limits: { memoryBytes: 16 * 1024 * 1024 } });
    assert.equal(r.failure?.kind, 'limit');
    assert.match(r.failure!.reason, /memory limit exceeded/);
    assertSuccess(probe(['alloc', '8']));
  });

  it('a deploy is charged per byte of code', () => {
    const call = probe(['construct']);
    const deploy = runDeploy({ code: code(PROBE), gasLimit: GAS });
    assertSuccess(call);
    assertSuccess(deploy);
    assert.equal(deploy.gasUsed - call.gasUsed, codeGas(code(PROBE).length));
    const poor = runDeploy({ code: code(PROBE), gasLimit: codeGas(code(PROBE).length) });
    assert.equal(poor.failure?.kind, 'out-of-gas');
    assert.equal(poor.instructions, 0);
  });
});
