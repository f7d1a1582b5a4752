/**
 * The JSON-RPC method table: each method names its parameters, each with its check, beside its
 * handler. `invoke` checks the arity and every parameter before the handler runs, so a handler
 * sees only values of the right type, and a bad one is a -32602 error naming the parameter.
 * One file per family of methods (rpc-eth.ts, rpc-blocks.ts, rpc-dev.ts, …; rpc-methods.ts joins them).
 */
import type { BlockHeader, Chain, DryRunInput, RpcLog, StatePoint } from './chain.js';
import type { Hex } from './bytes.js';
import type { Filters } from './filters.js';
import { invalid, type Params } from './rpc-params.js';
import type { SignedTx } from './tx.js';

/** What a method handler can use of the server. */
export interface RpcHost {
  readonly chain: Chain;
  /** Mine a block per transaction (evm_setAutomine changes it). */
  automine: boolean;
  /** Gas limit of eth_call / eth_estimateGas at most. */
  readonly callGasCap: bigint;
  readonly filters: Filters;
  /** Unlocked development accounts: address → private key. */
  readonly devKeys: ReadonlyMap<Hex, Hex>;
  /** Accounts whose transactions are sent without a signature (anvil_impersonateAccount). */
  readonly impersonated: Set<Hex>;
  /** anvil_autoImpersonateAccount: every account is impersonated. */
  autoImpersonate: boolean;
  /** evm_snapshot ids → the points they name. */
  readonly snapshots: Map<string, StatePoint>;
  /**
   * Mines a block and tells filters and subscriptions: at once, or (with a block executor, off
   * this thread) later. A method that mines is a control method, which holds the write queue.
   */
  mine(maxTxs?: number): BlockHeader | Promise<BlockHeader>;
  /** Tells filters, subscriptions and onBlock of a new block. */
  announceBlock(b: BlockHeader): void;
  /**
   * With a block executor: resolves once pending reads had their turn (a long write, e.g.
   * anvil_mine of many blocks, goes on in slices). null: the server runs writes to the end.
   */
  yieldToReads(): Promise<void> | null;
  /** Pools a raw transaction (tells filters, mines with automine); returns its hash. */
  acceptRaw(raw: Uint8Array, impersonated?: Hex): Hex;
  /** A block tag or EIP-1898 object → block number (head + 1 for a number past the head). */
  blockNumberOf(tag: unknown): number;
  blockJson(b: BlockHeader, full: boolean): Record<string, unknown>;
  txJson(tx: SignedTx, b: BlockHeader | null, index: number | null): Record<string, unknown>;
  /** A call object of eth_call / eth_sendTransaction (an envelope in `data`, or args/read/stdin). */
  dryInput(v: unknown): DryRunInput;
  /** eth_estimateGas. */
  estimateGas(input: DryRunInput): bigint;
  /** eth_getLogs with a filter object. */
  getLogs(filter: unknown): RpcLog[];
  /** After the chain went back (evm_revert, anvil_reset): filters and subscriptions follow. */
  rolledBack(): void;
}

/** One parameter of a method: its name (for error messages), whether it may be left out, its check. */
export interface ParamSpec<T> {
  readonly name: string;
  /** May be absent or null (as geth reads an optional argument); the handler then gets undefined. */
  readonly optional: boolean;
  /** The value the handler gets; throws a -32602 RpcError naming the parameter. */
  readonly check: (v: unknown, host: RpcHost) => T;
}

/** The handler's arguments: the checked value of each parameter, in order. */
export type Args<P extends readonly ParamSpec<unknown>[]> = { -readonly [K in keyof P]: P[K] extends ParamSpec<infer T> ? T : never };

export interface RpcMethod {
  readonly params: readonly ParamSpec<unknown>[];
  run(args: readonly unknown[], host: RpcHost): unknown;
}

export type MethodTable = Readonly<Record<string, RpcMethod>>;

/** `f` of a value, or of a promised one when it comes. */
export function then<T, U>(v: T | Promise<T>, f: (t: T) => U): U | Promise<U> {
  return v instanceof Promise ? v.then(f) : f(v);
}

/** A table entry: the parameters and the handler that gets their checked values. */
export function method<const P extends readonly ParamSpec<unknown>[]>(params: P, run: (args: Args<P>, host: RpcHost) => unknown): RpcMethod {
  return { params, run: run as RpcMethod['run'] };
}

/** The checked arguments of a call of `name`: too many, a missing or a bad one is -32602. */
export function checkArgs(name: string, m: RpcMethod, params: Params, host: RpcHost): unknown[] {
  const specs = m.params;
  if (params.length > specs.length) {
    const names = specs.length ? ` (${specs.map((p) => p.name).join(', ')})` : '';
    throw invalid(`too many parameters: ${name} takes at most ${specs.length}${names}, got ${params.length}`);
  }
  return specs.map((p, i) => {
    const v = params[i];
    if (v === undefined || (v === null && p.optional)) {
      if (p.optional) return undefined;
      throw invalid(`missing parameter ${i + 1} (${p.name})`);
    }
    return p.check(v, host);
  });
}

/** Calls `name` of the table with raw JSON-RPC params. */
export function invoke(name: string, m: RpcMethod, params: Params, host: RpcHost): unknown {
  return m.run(checkArgs(name, m, params, host), host);
}
