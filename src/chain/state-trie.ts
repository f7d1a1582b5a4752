/**
 * The state root's tree (docs/chain.md, "State root"): a binary radix tree over 256-bit paths
 * whose root depends only on the set of (path, leaf) pairs, updated in place, so a block costs
 * hashes in proportion to what it changed (about log2(state size) per changed leaf) rather than a
 * rebuild over the whole state.
 *
 * H(S, d), for the set S of leaves whose paths agree on their first d bits:
 *   no leaf              → 32 zero bytes
 *   one leaf             → that leaf's hash (its path is bound inside the leaf)
 *   two or more leaves   → keccak256(H(S₀, d+1) ‖ H(S₁, d+1)), S₀/S₁ the leaves with bit d = 0/1
 * Bits are taken most significant first. The root is H(all leaves, 0).
 */
import { bytesEqual, fromHex, keccak } from './bytes.js';

const ZERO32 = new Uint8Array(32);

interface Leaf {
  readonly path: Uint8Array;
  leaf: Uint8Array;
}

interface Branch {
  /** Children by the bit at this depth (never both null; a lone leaf is never kept under a branch). */
  zero: TrieNode | null;
  one: TrieNode | null;
  /** Cached H, null when something below changed. */
  hash: Uint8Array | null;
}

type TrieNode = Leaf | Branch;

const isLeaf = (n: TrieNode): n is Leaf => (n as Leaf).path !== undefined;
const bit = (path: Uint8Array, d: number): number => (path[d >> 3]! >> (7 - (d & 7))) & 1;

export class StateTrie {
  private root: TrieNode | null = null;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Set the leaf at a 32-byte path, or remove it (null). */
  set(path: Uint8Array, leaf: Uint8Array | null): void {
    if (path.length !== 32) throw new RangeError('a state path is 32 bytes');
    this.root = leaf === null ? this.remove(this.root, path, 0) : this.insert(this.root, path, leaf, 0);
  }

  rootHash(): Uint8Array {
    return this.root === null ? ZERO32 : hashOf(this.root);
  }

  private insert(n: TrieNode | null, path: Uint8Array, leaf: Uint8Array, d: number): TrieNode {
    if (n === null) {
      this.count++;
      return { path, leaf };
    }
    if (isLeaf(n)) {
      if (bytesEqual(n.path, path)) {
        n.leaf = leaf;
        return n;
      }
      // split: a branch at this depth holding the old leaf, then insert the new one below it
      const b: Branch = { zero: null, one: null, hash: null };
      if (bit(n.path, d) === 0) b.zero = n;
      else b.one = n;
      return this.insert(b, path, leaf, d);
    }
    n.hash = null;
    if (bit(path, d) === 0) n.zero = this.insert(n.zero, path, leaf, d + 1);
    else n.one = this.insert(n.one, path, leaf, d + 1);
    return n;
  }

  private remove(n: TrieNode | null, path: Uint8Array, d: number): TrieNode | null {
    if (n === null) return null;
    if (isLeaf(n)) {
      if (!bytesEqual(n.path, path)) return n;
      this.count--;
      return null;
    }
    if (bit(path, d) === 0) n.zero = this.remove(n.zero, path, d + 1);
    else n.one = this.remove(n.one, path, d + 1);
    n.hash = null;
    const only = n.zero === null ? n.one : n.one === null ? n.zero : undefined;
    if (only === undefined) return n;
    // one child left: a lone leaf moves up (H of one leaf is the leaf); a branch stays as it is
    if (only === null) return null;
    return isLeaf(only) ? only : n;
  }
}

function hashOf(n: TrieNode): Uint8Array {
  if (isLeaf(n)) return n.leaf;
  if (n.hash === null) {
    n.hash = keccak(n.zero === null ? ZERO32 : hashOf(n.zero), n.one === null ? ZERO32 : hashOf(n.one));
  }
  return n.hash;
}

const te = new TextEncoder();

/** Path of an account: keccak256(0x00 ‖ 20-byte address). */
export function accountPath(address: string): Uint8Array {
  return keccak(Uint8Array.of(0), fromHex(address));
}

/** Path of a storage slot: keccak256(0x01 ‖ 20-byte contract address ‖ key as UTF-8). */
export function slotPath(address: string, key: string): Uint8Array {
  return keccak(Uint8Array.of(1), fromHex(address), te.encode(key));
}
