/**
 * The C SDK (sdk/c/qvm.h) through a contract built from test/contracts/sdk_c.c, run with the
 * contract ABI: the context, key and value checks, reads with the lazy fallback and declared
 * reads, writes, deletes, events, and the failures a bad key, value or event gives. (The Go and
 * Rust SDKs run in test/qvm-new.test.ts through their templates.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCall, type CallResult } from '../src/contract/index.js';
import { BUILD } from './helpers.js';

const SDK_C = join(BUILD, 'contracts', 'sdk_c');
const skip = existsSync(SDK_C) ? false : 'sdk_c not built (bash test/setup.sh)';
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

function call(args: string[], storage: Record<string, string> = {}, readKeys: string[] = []): CallResult {
  return runCall({
    code: readFileSync(SDK_C), args, readKeys, storage: new Map(Object.entries(storage)), gasLimit: 100_000_000,
    context: { sender: '0x00000000000000000000000000000000000000a1', value: 123456789012345678901234567890n, blockNumber: 42n, chainId: 7n },
  });
}

const events = (r: CallResult): string[] => r.events.map((e) => text(e.data));

describe('C SDK', { skip }, () => {
  it('gives the call context', () => {
    const r = call(['ctx'], { QVM_INITIALIZED: 'true' });
    assert.equal(r.status, 'success', r.failure?.reason);
    const [sender, contract, value, tx, prev, block, time, chain, init] = events(r)[0]!.split(' ');
    assert.equal(sender, '0x00000000000000000000000000000000000000a1');
    assert.match(contract!, /^0x[0-9a-f]{40}$/);
    assert.equal(value, '123456789012345678901234567890');
    assert.match(tx!, /^0x[0-9a-f]{64}$/);
    assert.match(prev!, /^0x[0-9a-f]{64}$/);
    assert.deepEqual([block, time, chain, init], ['42', '1700000000', '7', '1']);
  });

  it('checks keys and values as the protocol does', () => {
    assert.deepEqual(events(call(['valid', 'A_b9', 'x'])), ['key 1 value 1']);
    assert.deepEqual(events(call(['valid', 'bad-key', 'two\nlines'])), ['key 0 value 0']);
    assert.deepEqual(events(call(['valid', 'K'.repeat(129), 'v'.repeat(65537)])), ['key 0 value 0']);
    assert.deepEqual(events(call(['valid', 'K'.repeat(128), 'v'.repeat(65536)])), ['key 1 value 1']);
  });

  it('reads lazily from /qvm/db, or from DB_<KEY> when declared', () => {
    const lazy = call(['get', 'NAME'], { NAME: 'alice' });
    assert.deepEqual(events(lazy), ['NAME=alice']);
    assert.deepEqual(lazy.reads, ['NAME']);
    const declared = call(['get', 'NAME'], { NAME: 'bob' }, ['NAME']);
    assert.deepEqual(events(declared), ['NAME=bob']);
    assert.deepEqual(events(call(['get', 'NONE'])), ['NONE missing']);
  });

  it('writes, deletes and emits; a bad key, value or event fails the call with a message', () => {
    const w = call(['set', 'K', 'value with spaces = and more']);
    assert.deepEqual(w.writes.map((x) => [x.key, text(x.value)]), [['K', 'value with spaces = and more']]);
    assert.deepEqual(call(['del', 'K'], { K: 'v' }).deletes, ['K']);
    assert.deepEqual(events(call(['event', 'hello world'])), ['hello world']);
    for (const [args, message] of [
      [['set', 'bad-key', 'v'], 'qvm_set: invalid key "bad-key"'],
      [['set', 'K', 'a\nDBW=EVIL=1'], 'qvm_set: invalid value for K (a newline, or longer than 65536 bytes)'],
      [['del', ''], 'qvm_del: invalid key ""'],
      [['event', 'a\nOUT=forged'], 'qvm_event: an event cannot contain a newline'],
      [['get', 'x y'], 'qvm_get: invalid key "x y"'],
    ] as const) {
      const r = call([...args]);
      assert.equal(r.status, 'failure', args.join(' '));
      assert.equal(r.failure!.kind, 'stderr');
      assert.equal(text(r.stderr), `${message}\n`);
      assert.deepEqual([r.writes, r.deletes], [[], []]);
    }
  });
});
