/**
 * The example contracts (examples/registry, examples/token), in C (musl and glibc) and in Go, run call after call
 * against one storage, as a chain would. The Go versions need clone() threads; until QVM has them
 * their tests skip with a message saying so.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyOps,
  runCall,
  runDeploy,
  TOPIC_STDERR,
  type CallInput,
  type CallResult,
  type StorageValue,
} from '../src/contract/index.js';
import { assertSuccess, code, eventsOf, EXAMPLES, goThreadsMissing, text, writesOf } from './contract-helpers.js';

const GAS = 2_000_000_000;
const ALICE = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';
const BOB = '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc';

/** Thrown when a Go contract dies for lack of a kernel feature QVM does not have yet. */
class Unsupported extends Error {}

/**
 * A contract and its storage, called one call after another like on a chain. A Go contract whose
 * runtime dies for lack of threads or epoll throws Unsupported (the test then skips).
 */
class Local {
  readonly storage = new Map<string, StorageValue>();
  constructor(readonly elf: Uint8Array) {}
  deploy(args: string[] = [], more: Partial<CallInput> = {}): CallResult {
    return this.check(runDeploy({ code: this.elf, args, storage: this.storage, gasLimit: GAS, ...more }));
  }
  call(args: string[], more: Partial<CallInput> = {}): CallResult {
    return this.check(runCall({ code: this.elf, args, storage: this.storage, gasLimit: GAS, ...more }));
  }
  private check(r: CallResult): CallResult {
    const why = goThreadsMissing(r);
    if (why) throw new Unsupported(why);
    applyOps(this.storage, r);
    return r;
  }
  get(key: string): string | undefined {
    const v = this.storage.get(key);
    return v === undefined ? undefined : typeof v === 'string' ? v : text(v);
  }
}

/** A test body; Unsupported makes the test skip with its message. */
function body(fn: () => void): (t: TestContext) => void {
  return (t) => {
    try {
      fn();
    } catch (e) {
      if (e instanceof Unsupported) t.skip(e.message);
      else throw e;
    }
  };
}

// riscv64 builds (examples/build-example.sh: NAME-rv64, NAME-go-rv64) must behave byte for byte the same
const RISCV_LANGS = existsSync(join(EXAMPLES, 'registry-rv64')) ? (['rv64', 'go-rv64'] as const) : ([] as const);

for (const lang of ['c', 'glibc', 'go', ...RISCV_LANGS] as const) {
  describe(`example: registry (${lang})`, () => {
    const elf = (): Uint8Array => code(join(EXAMPLES, `registry-${lang}`));

    it('construct sets the maximum; register prints the previous name and stores the user', body(() => {
      const c = new Local(elf());
      const d = c.deploy(['2']);
      assertSuccess(d, 'construct');
      assert.deepEqual(writesOf(d), ['QVM_INIT_MAXUSER=2', 'QVM_INITIALIZED=true']);
      assert.deepEqual(eventsOf(d), ['registry created for 2 users']);

      const keys = ['USER_CURRENT', 'TOTALUSERS', 'QVM_INIT_MAXUSER'];
      const a = c.call(['register', 'alice'], { readKeys: keys });
      assertSuccess(a, 'register alice');
      assert.deepEqual(eventsOf(a), ['prevname: unknown']);
      assert.deepEqual(writesOf(a), ['USER_CURRENT=alice', 'USER_1=alice', 'TOTALUSERS=1']);
      assert.deepEqual(a.reads, keys);

      // without declared reads the contract reads /qvm/db lazily: same result, reads recorded
      const b = c.call(['register', 'bob']);
      assertSuccess(b, 'register bob');
      assert.deepEqual(eventsOf(b), ['prevname: alice']);
      assert.deepEqual(writesOf(b), ['USER_CURRENT=bob', 'USER_2=bob', 'TOTALUSERS=2']);
      assert.deepEqual([...b.reads].sort(), [...keys].sort());

      const full = c.call(['register', 'carol'], { readKeys: keys });
      assert.equal(full.status, 'failure');
      assert.equal(full.failure?.kind, 'stderr');
      assert.equal(text(full.failure!.stderr), 'register: the registry is full\n');
      assert.equal(c.get('TOTALUSERS'), '2');
      assert.equal(c.get('USER_CURRENT'), 'bob');
    }));

    it('a second construct is refused', body(() => {
      const c = new Local(elf());
      const first = c.deploy();
      assertSuccess(first);
      assert.equal(c.get('QVM_INIT_MAXUSER'), '100');
      const again = c.deploy(['5']);
      assert.equal(again.status, 'failure');
      assert.deepEqual(again.events, [{ topic0: TOPIC_STDERR, data: new TextEncoder().encode('contract is already initialized\n') }]);
      assert.equal(c.get('QVM_INIT_MAXUSER'), '100', 'the failed construct changed nothing');
    }));

    it('register before construct is refused', body(() => {
      const c = new Local(elf());
      const r = c.call(['register', 'alice']);
      assert.equal(r.status, 'failure');
      assert.equal(text(r.failure!.stderr), 'contract is not initialized\n');
      assert.equal(c.storage.size, 0);
    }));
  });

  describe(`example: token (${lang})`, () => {
    const elf = (): Uint8Array => code(join(EXAMPLES, `token-${lang}`));

    it('construct mints the supply to the sender; transfer moves it; balance emits it', body(() => {
      const c = new Local(elf());
      const d = c.deploy(['1000'], { context: { sender: ALICE.toUpperCase().replace('0X', '0x') } });
      assertSuccess(d, 'construct');
      assert.deepEqual(writesOf(d), ['TOTAL_SUPPLY=1000', `BAL_${ALICE}=1000`, 'QVM_INITIALIZED=true']);
      assert.deepEqual(eventsOf(d), [`mint ${ALICE} 1000`]);

      const tr = c.call(['transfer', BOB, '300'], { context: { sender: ALICE }, readKeys: [`BAL_${ALICE}`, `BAL_${BOB}`] });
      assertSuccess(tr, 'transfer');
      assert.deepEqual(writesOf(tr), [`BAL_${ALICE}=700`, `BAL_${BOB}=300`]);
      assert.deepEqual(eventsOf(tr), [`transfer ${ALICE} ${BOB} 300`]);

      const bal = c.call(['balance', ALICE]);
      assertSuccess(bal, 'balance');
      assert.deepEqual(eventsOf(bal), [`balance ${ALICE} 700`]);
      assert.deepEqual(bal.writes, []);
      assert.deepEqual(bal.reads, [`BAL_${ALICE}`], 'read lazily from /qvm/db');
    }));

    it('transfer fails on insufficient funds and changes nothing', body(() => {
      const c = new Local(elf());
      const d = c.deploy(['1000'], { context: { sender: ALICE } });
      assertSuccess(d);
      assertSuccess(c.call(['transfer', BOB, '300'], { context: { sender: ALICE } }));
      const before = new Map(c.storage);
      const r = c.call(['transfer', ALICE, '301'], { context: { sender: BOB } });
      assert.equal(r.status, 'failure');
      assert.equal(r.failure?.kind, 'stderr');
      assert.equal(text(r.failure!.stderr), 'transfer: insufficient funds (balance 300, amount 301)\n');
      assert.deepEqual(r.writes, []);
      assert.deepEqual(c.storage, before);
      const ok = c.call(['transfer', ALICE, '300'], { context: { sender: BOB } });
      assertSuccess(ok);
      assert.equal(c.get(`BAL_${ALICE}`), '1000');
      assert.equal(c.get(`BAL_${BOB}`), '0');
      const bad = c.call(['transfer', 'nobody', '1'], { context: { sender: ALICE } });
      assert.equal(text(bad.failure!.stderr), 'transfer: invalid address nobody\n');
    }));
  });
}
