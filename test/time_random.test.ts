/**
 * Time and randomness come from the block context (SPEC §3), checked against an independent
 * computation of the generator:
 *   seed    = keccak256(prevBlockHash ‖ txHash)
 *   stream  = keccak256(seed ‖ u64le(0)) ‖ keccak256(seed ‖ u64le(1)) ‖ …
 *   AT_RANDOM = stream[0..16); getrandom continues at stream[16..).
 * test/c/time_random.c prints time(NULL), CLOCK_REALTIME seconds, whether CLOCK_MONOTONIC is
 * non-decreasing, and 16 bytes of getrandom() in hex.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keccak_256 } from '@noble/hashes/sha3';
import { runElf } from '../src/machine/run.js';
import type { BlockContext } from '../src/machine/types.js';
import { BUILD, GAS } from './helpers.js';

function expectedStream(prevBlockHash: Uint8Array, txHash: Uint8Array, n: number): Uint8Array {
  const seed = keccak_256(new Uint8Array([...prevBlockHash, ...txHash]));
  const out = new Uint8Array(n);
  let filled = 0;
  for (let counter = 0n; filled < n; counter++) {
    const input = new Uint8Array(40);
    input.set(seed, 0);
    new DataView(input.buffer).setBigUint64(32, counter, true);
    const block = keccak_256(input);
    const take = Math.min(32, n - filled);
    out.set(block.subarray(0, take), filled);
    filled += take;
  }
  return out;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

interface Printed {
  time: string;
  realtime: string;
  monotonic: string;
  random: string;
}

function parse(stdout: Uint8Array): Printed {
  const text = Buffer.from(stdout).toString('utf8');
  const field = (name: string): string => {
    const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    assert.ok(m, `time_random printed no "${name}" line; stdout was:\n${text}`);
    return m[1]!;
  };
  return { time: field('time'), realtime: field('realtime'), monotonic: field('monotonic_nondecreasing'), random: field('random') };
}

/** A block context: its number, time and previous block's hash byte (the tx hash is the same in both). */
const blockAt = (number: bigint, timestamp: bigint, prev: number): BlockContext => ({
  number,
  timestamp,
  prevBlockHash: new Uint8Array(32).fill(prev),
  txHash: new Uint8Array(32).fill(0x22),
  chainId: 1n,
});
const BLOCK_A = blockAt(7n, 1700000000n, 0x11);
const BLOCK_B = blockAt(8n, 1700000012n, 0x33);

for (const opt of ['O0', 'O2']) {
  const file = `time_random.musl.${opt}`;
  const run = (block: BlockContext) => {
    const r = runElf(readFileSync(join(BUILD, file)), { argv: ['contract'], env: [], gasLimit: GAS, block });
    assert.equal(r.exitCode, 0, `${file} failed: reason ${r.reason}, stderr ${Buffer.from(r.stderr).toString()}`);
    return parse(r.stdout);
  };

  test(`${file}: time and getrandom come from the block context`, () => {
    const p = run(BLOCK_A);
    assert.equal(p.time, '1700000000', 'time() must be the block timestamp');
    assert.equal(p.realtime, '1700000000', 'CLOCK_REALTIME seconds must be the block timestamp (+ a few virtual ns)');
    assert.equal(p.monotonic, '1', 'CLOCK_MONOTONIC must not go backwards');
    const stream = expectedStream(BLOCK_A.prevBlockHash, BLOCK_A.txHash, 32);
    assert.equal(p.random, hex(stream.subarray(16, 32)), 'getrandom must continue the stream after the 16 AT_RANDOM bytes');
  });

  test(`${file}: a different block gives a different time and different random bytes`, () => {
    const a = run(BLOCK_A);
    const b = run(BLOCK_B);
    assert.equal(b.time, '1700000012');
    assert.notEqual(b.random, a.random);
    assert.equal(b.random, hex(expectedStream(BLOCK_B.prevBlockHash, BLOCK_B.txHash, 32).subarray(16, 32)));
    // and the same block again gives the same bytes
    assert.deepEqual(run(BLOCK_A), a);
  });
}
