/**
 * The QVM envelopes: what a transaction's `data` carries (docs/chain.md).
 *
 *   deploy (to empty):    "QVM" 0x01 0x01 ‖ rlp([elf, [arg…]])
 *   call   (to contract): "QVM" 0x01 0x02 ‖ rlp([[arg…], [readKey…], stdin])
 *
 * "QVM" are the ASCII bytes 0x51 0x56 0x4d, then the envelope version (1) and the kind.
 */
import { fromRlp, toRlp } from 'viem';
import { concatBytes, toHex } from './bytes.js';
import { defineError, QvmError } from '../errors.js';

export const ENVELOPE_MAGIC = Uint8Array.of(0x51, 0x56, 0x4d, 0x01);
export const KIND_DEPLOY = 1;
export const KIND_CALL = 2;

export interface DeployEnvelope {
  kind: 'deploy';
  code: Uint8Array;
  args: Uint8Array[];
}

export interface CallEnvelope {
  kind: 'call';
  args: Uint8Array[];
  readKeys: string[];
  stdin: Uint8Array;
}

/** Transaction data that is not a QVM envelope (one-line message). */
export class EnvelopeError extends QvmError {}
defineError(EnvelopeError, 'EnvelopeError', 'INVALID_ENVELOPE');

const te = new TextEncoder();
const bytesOf = (a: string | Uint8Array): Uint8Array => (typeof a === 'string' ? te.encode(a) : a);

export function encodeDeploy(code: Uint8Array, args: ReadonlyArray<string | Uint8Array> = []): Uint8Array {
  const body = toRlp([toHex(code), args.map((a) => toHex(bytesOf(a)))], 'bytes');
  return concatBytes(ENVELOPE_MAGIC, Uint8Array.of(KIND_DEPLOY), body);
}

export function encodeCall(args: ReadonlyArray<string | Uint8Array>, readKeys: readonly string[] = [], stdin: Uint8Array = new Uint8Array(0)): Uint8Array {
  const body = toRlp([args.map((a) => toHex(bytesOf(a))), readKeys.map((k) => toHex(te.encode(k))), toHex(stdin)], 'bytes');
  return concatBytes(ENVELOPE_MAGIC, Uint8Array.of(KIND_CALL), body);
}

type Rlp = Uint8Array | Rlp[];

function list(x: Rlp | undefined, what: string): Uint8Array[] {
  if (!Array.isArray(x) || !x.every((e) => e instanceof Uint8Array)) throw new EnvelopeError(`bad QVM envelope: ${what} must be a list of byte strings`);
  return x as Uint8Array[];
}

/** Decodes a transaction's data as an envelope. Throws EnvelopeError with a one-line message. */
export function decodeEnvelope(data: Uint8Array): DeployEnvelope | CallEnvelope {
  if (data.length < 5 || !ENVELOPE_MAGIC.every((b, i) => data[i] === b)) {
    throw new EnvelopeError('data is not a QVM envelope (it must start with "QVM" 0x01, see docs/chain.md)');
  }
  const kind = data[4];
  let body: Rlp;
  try {
    body = fromRlp(data.subarray(5), 'bytes') as Rlp;
  } catch (e) {
    throw new EnvelopeError(`bad QVM envelope: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(body)) throw new EnvelopeError('bad QVM envelope: body must be an RLP list');
  if (kind === KIND_DEPLOY) {
    if (body.length !== 2 || !(body[0] instanceof Uint8Array)) throw new EnvelopeError('bad QVM deploy envelope: expected [elf, [args]]');
    return { kind: 'deploy', code: body[0], args: list(body[1], 'constructor args') };
  }
  if (kind === KIND_CALL) {
    if (body.length !== 3 || !(body[2] instanceof Uint8Array)) throw new EnvelopeError('bad QVM call envelope: expected [[args], [readKeys], stdin]');
    const readKeys = list(body[1], 'read keys').map((k) => Buffer.from(k).toString('latin1'));
    return { kind: 'call', args: list(body[0], 'args'), readKeys, stdin: body[2] };
  }
  throw new EnvelopeError(`bad QVM envelope: unknown kind ${kind}`);
}
