/** Parameter checks shared by the JSON-RPC method handlers: each bad value is a -32602 error naming it. */
import { fromHex, normAddress, type Hex } from './bytes.js';
import { defineError, QvmError } from '../errors.js';
import type { ParamSpec, RpcHost } from './rpc-table.js';

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

/** A required parameter of the method table (rpc-table.ts) with its check. */
function required<T>(name: string, check: (v: unknown, host: RpcHost) => T): ParamSpec<T> {
  return { name, optional: false, check };
}

/** The same parameter, which may be absent or null: the handler gets undefined then. */
export function optional<T>(spec: ParamSpec<T>): ParamSpec<T | undefined> {
  return { ...spec, optional: true };
}

/** The kinds of parameter the methods take, by what the value must be. */
export const p = {
  /** 0x and 40 hex digits, any case; the handler gets it lower-cased. */
  address: (name: string) => required(name, (v) => address(v, name)),
  /** A hex quantity (0x1f) or a non-negative JSON integer. */
  quantity: (name: string) => required(name, (v) => qty(v, name)),
  /** A block tag, number or EIP-1898 object → block number. */
  block: (name = 'block') => required(name, (v, host) => host.blockNumberOf(v)),
  hash: (name: string) => required(name, (v) => hash32(v, name)),
  /** Hex bytes: 0x and an even number of hex digits. */
  data: (name: string) => required(name, (v) => hexBytes(v, name)),
  bool: (name: string) =>
    required(name, (v) => {
      if (typeof v !== 'boolean') throw invalid(`${name} must be true or false`);
      return v;
    }),
  object: (name: string) =>
    required(name, (v) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(`${name} must be an object`);
      return v as Record<string, unknown>;
    }),
  /** A call object of eth_call (host.dryInput checks its fields). */
  call: (name = 'call') => required(name, (v, host) => host.dryInput(v)),
  /** Any JSON value: the handler checks it (a value of several shapes, documented there). */
  any: (name: string) => required(name, (v) => v),
} as const;
