/**
 * Commitments (docs/chain.md): a binary Merkle tree of keccak256 hashes (transactions and receipts
 * roots), the state root's leaves (their tree: state-trie.ts), and Ethereum's 2048-bit logs bloom.
 */
import { toRlp } from 'viem';
import { bigToBytes, concatBytes, keccak, toHex, type Hex } from './bytes.js';

const ZERO32 = new Uint8Array(32);

/**
 * Root of a binary Merkle tree over `leaves` (32-byte hashes, in the order given): each parent is
 * keccak256(left ‖ right); an odd node at the end of a level moves up unchanged; one leaf is its own
 * root; no leaf gives 32 zero bytes.
 */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return ZERO32;
  let level = leaves.slice();
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? keccak(level[i]!, level[i + 1]!) : level[i]!);
    }
    level = next;
  }
  return level[0]!;
}

/** Leaf of an account: keccak256(0x00 ‖ rlp([address, nonce, balance, codeHash or empty])). */
export function accountLeaf(address: Hex, nonce: bigint, balance: bigint, codeHash: Uint8Array | null): Uint8Array {
  const body = toRlp([address, toHex(bigToBytes(nonce)), toHex(bigToBytes(balance)), toHex(codeHash ?? new Uint8Array(0))], 'bytes');
  return keccak(Uint8Array.of(0), body);
}

const te = new TextEncoder();

/** Leaf of a storage slot: keccak256(0x01 ‖ rlp([address, key, value])). */
export function storageLeaf(address: Hex, key: string, value: Uint8Array): Uint8Array {
  const body = toRlp([address, toHex(te.encode(key)), toHex(value)], 'bytes');
  return keccak(Uint8Array.of(1), body);
}

export function emptyBloom(): Uint8Array {
  return new Uint8Array(256);
}

/** Adds a value (an address or topic) to a bloom as Ethereum does (3 bits from keccak256(value)). */
export function bloomAdd(bloom: Uint8Array, value: Uint8Array): void {
  const h = keccak(value);
  for (let i = 0; i < 6; i += 2) {
    const bit = ((h[i]! << 8) | h[i + 1]!) & 2047;
    bloom[255 - (bit >> 3)]! |= 1 << (bit & 7);
  }
}

export { concatBytes };
