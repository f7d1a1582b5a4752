/** Parameter checks shared by the JSON-RPC method handlers: each bad value is a -32602 error naming it. */
import { fromHex, normAddress, type Hex } from './bytes.js';
import { defineError, QvmError } from '../errors.js';

export type Params = unknown[];

/** A JSON-RPC error object: `code`, a one-line `message`, optional `data`. */
export class RpcError extends QvmError {
  constructor(override readonly code: number, message: string, readonly data?: unknown) {
    super(message);
  }
}
defineError(RpcError, 'RpcError', -32603);

export const invalid = (msg: string): RpcError => new RpcError(-32602, msg);

export function param(params: Params, i: number, name: string): unknown {
  if (params[i] === undefined) throw invalid(`missing parameter ${i + 1} (${name})`);
  return params[i];
}

export function hexBytes(v: unknown, name: string): Uint8Array {
  try {
    return fromHex(v, name);
  } catch (e) {
    throw invalid((e as Error).message);
  }
}

export function address(v: unknown, name: string): Hex {
  try {
    return normAddress(v, name);
  } catch (e) {
    throw invalid((e as Error).message);
  }
}

export function qty(v: unknown, name: string): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(v)) throw invalid(`${name} must be a hex quantity`);
  return BigInt(v);
}

export function hash32(v: unknown, name: string): Hex {
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(v)) throw invalid(`${name} must be a 32-byte hex hash`);
  return v.toLowerCase() as Hex;
}
