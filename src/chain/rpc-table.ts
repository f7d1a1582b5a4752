/**
 * The JSON-RPC method table: each method is a function of its parameters and of the server it
 * runs in (RpcHost). rpc.ts keeps the original `switch`; the methods added since (filters, dev
 * accounts, test controls, more block queries) are table entries, one file per family.
 */
import type { BlockHeader, Chain, DryRunInput, RpcLog, StatePoint } from './chain.js';
import type { Hex } from './bytes.js';
import type { Filters } from './filters.js';
import type { Params } from './rpc-params.js';
import type { SignedTx } from './tx.js';

/** What a method handler can use of the server. */
export interface RpcHost {
  readonly chain: Chain;
  /** Mine a block per transaction (evm_setAutomine changes it). */
  automine: boolean;
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

export type RpcMethod = (params: Params, host: RpcHost) => unknown;
export type MethodTable = Readonly<Record<string, RpcMethod>>;
