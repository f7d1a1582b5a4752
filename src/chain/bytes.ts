/** Small byte helpers shared by the chain: hex, integers, keccak. */
import { keccak_256 } from '@noble/hashes/sha3';
import { isAddress } from 'viem';

export type Hex = `0x${string}`;

export function toHex(b: Uint8Array): Hex {
  return `0x${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')}`;
}

/** Parses 0x-prefixed hex (an even number of digits); throws Error with `what` in the message. */
export function fromHex(s: unknown, what = 'value'): Uint8Array {
  if (typeof s !== 'string' || s.length % 2 !== 0 || !/^0x[0-9a-fA-F]*$/.test(s)) throw new Error(`${what} must be 0x-prefixed hex bytes`);
  return Uint8Array.from(Buffer.from(s.slice(2), 'hex'));
}

export function quantity(n: bigint | number): Hex {
  return `0x${BigInt(n).toString(16)}`;
}

export function keccak(...parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return keccak_256(parts[0]!);
  const h = keccak_256.create();
  for (const p of parts) h.update(p);
  return h.digest();
}

/** Big-endian minimal bytes of a non-negative integer (0 → empty), as RLP wants. */
export function bigToBytes(n: bigint): Uint8Array {
  if (n === 0n) return new Uint8Array(0);
  let h = n.toString(16);
  if (h.length % 2) h = '0' + h;
  return Uint8Array.from(Buffer.from(h, 'hex'));
}

export function bytesToBig(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(toHex(b));
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Lowercase 0x address; throws on anything else than 0x + 40 hex digits (any case: JSON-RPC clients send checksummed or not). */
export function normAddress(s: unknown, what = 'address'): Hex {
  if (typeof s !== 'string' || !isAddress(s, { strict: false })) throw new Error(`${what} must be 0x followed by 40 hex digits`);
  return s.toLowerCase() as Hex;
}
