/**
 * Ethereum-signed transactions: legacy (EIP-155 and pre-155), EIP-2930 (type 1) and EIP-1559
 * (type 2). Decoding checks the encoding, recovers the sender from the secp256k1 signature
 * (low-s only, EIP-2) and computes the hash (keccak256 of the raw bytes).
 */
import { secp256k1 } from '@noble/curves/secp256k1';
import { recoverPublicKey } from './secp.js';
import { fromRlp, toRlp } from 'viem';
import { bigToBytes, bytesToBig, concatBytes, keccak, toHex, type Hex } from './bytes.js';
import { defineError, QvmError } from '../errors.js';

export interface SignedTx {
  type: 0 | 1 | 2;
  hash: Hex;
  raw: Uint8Array;
  /** Undefined for a pre-EIP-155 legacy transaction. */
  chainId: bigint | undefined;
  nonce: bigint;
  /** Legacy / type 1: gasPrice; type 2: maxFeePerGas. */
  maxFeePerGas: bigint;
  /** Legacy / type 1: gasPrice; type 2: maxPriorityFeePerGas. */
  maxPriorityFeePerGas: bigint;
  gasLimit: bigint;
  /** Lowercase 0x address, or null for a deploy. */
  to: Hex | null;
  value: bigint;
  data: Uint8Array;
  accessList: Array<{ address: Hex; storageKeys: Hex[] }>;
  v: bigint;
  r: bigint;
  s: bigint;
  yParity: 0 | 1;
  /** Recovered sender, lowercase. */
  from: Hex;
}

/** A raw transaction that does not decode or verify (one-line message). */
export class TxError extends QvmError {}
defineError(TxError, 'TxError', 'INVALID_TX');

type Rlp = Uint8Array | Rlp[];

function item(x: Rlp | undefined, what: string): Uint8Array {
  if (!(x instanceof Uint8Array)) throw new TxError(`invalid transaction: ${what} must be a byte string`);
  return x;
}

function int(x: Rlp | undefined, what: string, maxBytes = 32): bigint {
  const b = item(x, what);
  if (b.length > maxBytes) throw new TxError(`invalid transaction: ${what} too large`);
  if (b.length > 0 && b[0] === 0) throw new TxError(`invalid transaction: ${what} has leading zeros`);
  return bytesToBig(b);
}

function toField(x: Rlp | undefined): Hex | null {
  const b = item(x, 'to');
  if (b.length === 0) return null;
  if (b.length !== 20) throw new TxError('invalid transaction: to must be 20 bytes or empty');
  return toHex(b);
}

function accessListOf(x: Rlp | undefined): SignedTx['accessList'] {
  if (!Array.isArray(x)) throw new TxError('invalid transaction: access list must be a list');
  return x.map((e) => {
    if (!Array.isArray(e) || e.length !== 2 || !Array.isArray(e[1])) throw new TxError('invalid transaction: bad access list entry');
    const a = item(e[0], 'access list address');
    if (a.length !== 20) throw new TxError('invalid transaction: bad access list address');
    return { address: toHex(a), storageKeys: e[1].map((k) => toHex(item(k, 'access list key'))) };
  });
}

const SECP_N = secp256k1.CURVE.n;

function recover(hash: Uint8Array, r: bigint, s: bigint, yParity: number): Hex {
  if (r <= 0n || r >= SECP_N || s <= 0n || s > SECP_N / 2n) throw new TxError('invalid signature: r/s out of range (high s is not allowed)');
  try {
    const pub = recoverPublicKey(hash, r, s, yParity);
    return toHex(keccak(pub.subarray(1)).subarray(12));
  } catch {
    throw new TxError('invalid signature: cannot recover the sender');
  }
}

/**
 * Decodes and verifies a raw signed transaction. Throws TxError with a one-line message.
 * `impersonated` is the sender of a transaction the node made for an impersonated account
 * (anvil_impersonateAccount): its signature is a placeholder and is not checked.
 */
export function decodeTx(raw: Uint8Array, impersonated?: Hex): SignedTx {
  const sender = (hash: Uint8Array, r: bigint, s: bigint, yParity: number): Hex => impersonated ?? recover(hash, r, s, yParity);
  if (raw.length === 0) throw new TxError('invalid transaction: empty');
  const first = raw[0]!;
  let fields: Rlp;
  const typed = first <= 0x7f;
  try {
    fields = fromRlp(typed ? raw.subarray(1) : raw, 'bytes') as Rlp;
  } catch (e) {
    throw new TxError(`invalid transaction: bad RLP (${(e as Error).message.split('\n')[0]})`);
  }
  if (!Array.isArray(fields)) throw new TxError('invalid transaction: not an RLP list');
  const hash = toHex(keccak(raw));
  if (!typed) {
    if (fields.length !== 9) throw new TxError(`invalid transaction: legacy transaction has ${fields.length} fields, expected 9`);
    const [nonce, gasPrice, gas, to, value, data] = fields;
    const v = int(fields[6], 'v');
    const r = int(fields[7], 'r');
    const s = int(fields[8], 's');
    let chainId: bigint | undefined;
    let yParity: 0 | 1;
    let payload: Rlp[];
    if (v === 27n || v === 28n) {
      yParity = Number(v - 27n) as 0 | 1;
      payload = fields.slice(0, 6);
    } else if (v >= 35n) {
      chainId = (v - 35n) / 2n;
      yParity = Number((v - 35n) % 2n) as 0 | 1;
      payload = [...fields.slice(0, 6), bigToBytes(chainId), new Uint8Array(0), new Uint8Array(0)];
    } else throw new TxError('invalid signature: bad v');
    const sigHash = keccak(toRlp(payload as never, 'bytes'));
    const gp = int(gasPrice, 'gasPrice');
    return {
      type: 0, hash, raw, chainId, nonce: int(nonce, 'nonce', 8), maxFeePerGas: gp, maxPriorityFeePerGas: gp,
      gasLimit: int(gas, 'gas', 8), to: toField(to), value: int(value, 'value'), data: item(data, 'data'),
      accessList: [], v, r, s, yParity, from: sender(sigHash, r, s, yParity),
    };
  }
  if (first === 1 || first === 2) {
    const n = first === 1 ? 11 : 12;
    if (fields.length !== n) throw new TxError(`invalid transaction: type ${first} transaction has ${fields.length} fields, expected ${n}`);
    const chainId = int(fields[0], 'chainId');
    const nonce = int(fields[1], 'nonce', 8);
    let maxPrio: bigint, maxFee: bigint, rest: Rlp[];
    if (first === 1) {
      maxPrio = maxFee = int(fields[2], 'gasPrice');
      rest = fields.slice(3);
    } else {
      maxPrio = int(fields[2], 'maxPriorityFeePerGas');
      maxFee = int(fields[3], 'maxFeePerGas');
      rest = fields.slice(4);
      if (maxPrio > maxFee) throw new TxError('invalid transaction: maxPriorityFeePerGas above maxFeePerGas');
    }
    const [gas, to, value, data, al, yp, rr, ss] = rest;
    const v = int(yp, 'yParity');
    if (v > 1n) throw new TxError('invalid signature: yParity must be 0 or 1');
    const r = int(rr, 'r');
    const s = int(ss, 's');
    const sigHash = keccak(concatBytes(Uint8Array.of(first), toRlp(fields.slice(0, n - 3) as never, 'bytes')));
    return {
      type: first as 1 | 2, hash, raw, chainId, nonce, maxFeePerGas: maxFee, maxPriorityFeePerGas: maxPrio,
      gasLimit: int(gas, 'gas', 8), to: toField(to), value: int(value, 'value'), data: item(data, 'data'),
      accessList: accessListOf(al), v, r, s, yParity: Number(v) as 0 | 1,
      from: sender(sigHash, r, s, Number(v)),
    };
  }
  throw new TxError(`unsupported transaction type ${first}`);
}

/** Ethereum's intrinsic gas: 21000 (+32000 for a deploy) plus 4 per zero and 16 per non-zero data byte. */
export function intrinsicGas(data: Uint8Array, deploy: boolean): bigint {
  let g = deploy ? 53000n : 21000n;
  let zeros = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 0) zeros++;
  g += BigInt(zeros) * 4n + BigInt(data.length - zeros) * 16n;
  return g;
}

/** Contract address by Ethereum's CREATE rule: keccak256(rlp([sender, nonce]))[12:]. */
export function createAddress(sender: Hex, nonce: bigint): Hex {
  const enc = toRlp([sender, toHex(bigToBytes(nonce))]);
  return toHex(keccak(Buffer.from(enc.slice(2), 'hex')).subarray(12));
}
