/**
 * Inbox messages (docs/l2.md): the bytes the L1 Inbox emits and hashes into its accumulator,
 * kind (1 byte) ‖ L1 sender (20 bytes) ‖ body, decoded into what an executor derives from them.
 * Decoding never throws: a message that does not parse is `malformed`, and derivation gives it a
 * failure receipt.
 */
import { fromRlp, toRlp } from 'viem';
import { bytesToBig, concatBytes, keccak, toHex, type Hex } from '../chain/bytes.js';

/** The message kinds: the table is the truth for the Inbox's `KIND_*` constants and docs/l2.md. */
export const MESSAGE_KINDS = {
  deposit: 1,
  deploy: 2,
  call: 3,
  codeChunk: 4,
  deployCode: 5,
  batch: 6,
} as const;

export type InboxMessage =
  | { kind: 'deposit'; sender: Hex; value: bigint }
  | { kind: 'deploy'; sender: Hex; gas: bigint; envelope: Uint8Array }
  | { kind: 'call'; sender: Hex; gas: bigint; to: Hex; envelope: Uint8Array }
  | { kind: 'codeChunk'; sender: Hex; codeHash: Hex; index: number; total: number; data: Uint8Array }
  | { kind: 'deployCode'; sender: Hex; gas: bigint; codeHash: Hex; args: Uint8Array[] | null }
  | { kind: 'batch'; sender: Hex; txs: Uint8Array[] | null }
  | { kind: 'malformed'; sender: Hex; reason: string };

const ZERO_ADDRESS = ('0x' + '00'.repeat(20)) as Hex;

const u64 = (b: Uint8Array, at: number): bigint => bytesToBig(b.subarray(at, at + 8));
const u32 = (b: Uint8Array, at: number): number => Buffer.from(b.buffer, b.byteOffset + at, 4).readUInt32BE(0);

/** An RLP list of byte strings, or null when `b` is not one. */
export function rlpByteList(b: Uint8Array): Uint8Array[] | null {
  try {
    const v = fromRlp(b, 'bytes') as unknown;
    if (!Array.isArray(v) || !v.every((x) => x instanceof Uint8Array)) return null;
    return v as Uint8Array[];
  } catch {
    return null;
  }
}

export function decodeMessage(m: Uint8Array): InboxMessage {
  if (m.length < 21) return { kind: 'malformed', sender: ZERO_ADDRESS, reason: `inbox message of ${m.length} bytes is shorter than its header` };
  const sender = toHex(m.subarray(1, 21));
  const body = m.subarray(21);
  const short = (need: number): InboxMessage => ({ kind: 'malformed', sender, reason: `inbox message body of ${body.length} bytes, kind ${m[0]} needs at least ${need}` });
  switch (m[0]) {
    case MESSAGE_KINDS.deposit:
      return body.length === 32 ? { kind: 'deposit', sender, value: bytesToBig(body) } : short(32);
    case MESSAGE_KINDS.deploy:
      return body.length >= 8 ? { kind: 'deploy', sender, gas: u64(body, 0), envelope: body.subarray(8) } : short(8);
    case MESSAGE_KINDS.call:
      return body.length >= 28 ? { kind: 'call', sender, gas: u64(body, 0), to: toHex(body.subarray(8, 28)), envelope: body.subarray(28) } : short(28);
    case MESSAGE_KINDS.codeChunk:
      return body.length >= 40
        ? { kind: 'codeChunk', sender, codeHash: toHex(body.subarray(0, 32)), index: u32(body, 32), total: u32(body, 36), data: body.subarray(40) }
        : short(40);
    case MESSAGE_KINDS.deployCode:
      return body.length >= 40 ? { kind: 'deployCode', sender, gas: u64(body, 0), codeHash: toHex(body.subarray(8, 40)), args: rlpByteList(body.subarray(40)) } : short(40);
    case MESSAGE_KINDS.batch:
      return { kind: 'batch', sender, txs: rlpByteList(body) };
    default:
      return { kind: 'malformed', sender, reason: `unknown inbox message kind ${m[0]}` };
  }
}

/** The accumulator step: acc_n = keccak256(acc_{n-1} ‖ message). */
export function nextAcc(acc: Hex, message: Uint8Array): Hex {
  return toHex(keccak(Buffer.from(acc.slice(2), 'hex'), message));
}

const DEPLOY_DOMAIN = new TextEncoder().encode('qvm-l2-deploy');

/**
 * The L2 address of a contract deployed by Inbox message `seq` from `sender`:
 * keccak256("qvm-l2-deploy" ‖ sender (20 bytes) ‖ seq (8 bytes, big-endian))[12:]. It depends on
 * the message alone, so a client knows it from its L1 receipt.
 */
export function l1DeployAddress(sender: Hex, seq: bigint): Hex {
  const s = new Uint8Array(8);
  new DataView(s.buffer).setBigUint64(0, seq);
  return toHex(keccak(DEPLOY_DOMAIN, Buffer.from(sender.slice(2), 'hex'), s).subarray(12));
}

/** A sequencer batch: the RLP list of raw signed transactions. */
export function encodeBatch(raws: readonly Uint8Array[]): Uint8Array {
  return toRlp(raws.map((r) => toHex(r)), 'bytes');
}

/** Constructor arguments of a deployCode message: an RLP list of byte strings. */
export function encodeArgs(args: ReadonlyArray<string | Uint8Array>): Uint8Array {
  const te = new TextEncoder();
  return toRlp(args.map((a) => toHex(typeof a === 'string' ? te.encode(a) : a)), 'bytes');
}

export { concatBytes };
