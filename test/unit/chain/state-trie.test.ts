/**
 * The state root's tree (src/chain/state-trie.ts) against its definition, computed here directly
 * from the set of leaves: after every step of a long random sequence of inserts, updates and
 * removals, the incrementally updated root equals the definition's; the root depends only on
 * the final set (not on the order of changes); an emptied tree has the zero root.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keccak_256 } from '@noble/hashes/sha3';
import { StateTrie, accountPath, slotPath } from '../../../src/chain/state-trie.js';

const ZERO = new Uint8Array(32);
const bitOf = (p: Uint8Array, d: number): number => (p[d >> 3]! >> (7 - (d & 7))) & 1;

/** H(S, d) exactly as the definition states it. */
function defined(set: Array<[Uint8Array, Uint8Array]>, d = 0): Uint8Array {
  if (set.length === 0) return ZERO;
  if (set.length === 1) return set[0]![1];
  const zero = set.filter(([p]) => bitOf(p, d) === 0);
  const one = set.filter(([p]) => bitOf(p, d) === 1);
  const h = new Uint8Array(64);
  h.set(defined(zero, d + 1), 0);
  h.set(defined(one, d + 1), 32);
  return keccak_256(h);
}

/** Deterministic pseudo-random numbers (xorshift32). */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('incremental root equals the definition after every change', () => {
  const next = rng(12345);
  const trie = new StateTrie();
  const model = new Map<string, [Uint8Array, Uint8Array]>();
  // few distinct paths, many of them sharing long prefixes: splits and collapses at depth
  const paths: Uint8Array[] = [];
  for (let i = 0; i < 40; i++) {
    const p = keccak_256(`p${i}`);
    if (i % 3 === 0) p[0] = 0x55; // shared first byte
    if (i % 9 === 0) { p[1] = 0xaa; p[2] = 0x0f; }
    paths.push(p);
  }
  for (let step = 0; step < 600; step++) {
    const p = paths[next() % paths.length]!;
    if (next() % 3 === 0) {
      trie.set(p, null);
      model.delete(hex(p));
    } else {
      const leaf = keccak_256(`leaf ${step}`);
      trie.set(p, leaf);
      model.set(hex(p), [p, leaf]);
    }
    assert.equal(hex(trie.rootHash()), hex(defined([...model.values()])), `step ${step}`);
    assert.equal(trie.size, model.size);
  }
  for (const p of paths) trie.set(p, null);
  assert.equal(hex(trie.rootHash()), hex(ZERO));
});

test('the root depends only on the final set of leaves', () => {
  const entries = Array.from({ length: 50 }, (_, i) => [accountPath(`0x${i.toString(16).padStart(40, '0')}`), keccak_256(`v${i}`)] as const);
  const a = new StateTrie();
  for (const [p, v] of entries) a.set(p, v);
  const b = new StateTrie();
  for (const [p, v] of [...entries].reverse()) {
    b.set(p, keccak_256('temporary'));
    b.set(slotPath('0x' + '11'.repeat(20), 'X'), v); // added and removed again
    b.set(p, v);
  }
  b.set(slotPath('0x' + '11'.repeat(20), 'X'), null);
  assert.equal(hex(a.rootHash()), hex(b.rootHash()));
  assert.equal(a.size, 50);
  assert.throws(() => a.set(new Uint8Array(31), null), /32 bytes/);
});
