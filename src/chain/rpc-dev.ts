/**
 * Development accounts and test controls, as anvil and hardhat have them: unlocked accounts
 * (eth_accounts, eth_sendTransaction, eth_sign, personal_sign, eth_signTypedData_v4),
 * impersonation, snapshots, time, balances, mining and reset (docs/chain.md).
 */
import type { TypedDataDefinition } from 'viem';
import { quantity, toHex, type Hex } from './bytes.js';
import { impersonatedTx, signMessage, signTx, signTypedData, type TxFields } from './dev-signer.js';
import { address, hexBytes, invalid, param, qty, RpcError } from './rpc-params.js';
import type { MethodTable, RpcHost } from './rpc-table.js';

/** eth_maxPriorityFeePerGas and the default tip of eth_sendTransaction: 1 gwei, as anvil. */
export const DEFAULT_PRIORITY_FEE = 1_000_000_000n;
/**
 * Blocks one anvil_mine may mine. Empty blocks are written many per database transaction, in
 * slices of about SLICE_MS with reads served between slices (yieldToReads), so the cap bounds the
 * database's growth (~1 KB a block) rather than the node's stall.
 */
const MAX_MINE = 10_000;
/** Target RPC-thread time of one slice of empty blocks. */
const SLICE_MS = 25;

/** `f` of a value, or of a promised one when it comes. */
function then<T, U>(v: T | Promise<T>, f: (t: T) => U): U | Promise<U> {
  return v instanceof Promise ? v.then(f) : f(v);
}

/**
 * Mines blocks `from`..`count`-1, `interval` seconds apart: a block that runs what waits in the
 * pool (off the RPC thread with a block executor), else empty blocks, `slice` per transaction
 * (grown or shrunk toward SLICE_MS).
 */
function mineFrom(host: RpcHost, from: number, count: number, interval: bigint, slice = 16): null | Promise<null> {
  let i = from;
  while (i < count) {
    if (host.chain.poolSize() > 0) {
      if (i > 0 && interval > 0n) host.chain.increaseTime(interval);
      const b = host.mine();
      i++;
      if (b instanceof Promise) return b.then(() => mineFrom(host, i, count, interval, slice));
      continue;
    }
    const n = Math.min(slice, count - i);
    if (i > 0 && interval > 0n) host.chain.increaseTime(interval);
    const started = performance.now();
    for (const b of host.chain.mineEmpty(n, interval)) host.announceBlock(b);
    const ms = performance.now() - started;
    slice = ms < SLICE_MS / 2 ? Math.min(slice * 2, 4096) : ms > SLICE_MS * 2 ? Math.max(1, slice >> 1) : slice;
    i += n;
    const pause = i < count ? host.yieldToReads() : null;
    if (pause !== null) return pause.then(() => mineFrom(host, i, count, interval, slice));
  }
  return null;
}

/** The key of an unlocked account, null for an impersonated one; throws for any other. */
function signer(host: RpcHost, from: Hex): Hex | null {
  const key = host.devKeys.get(from);
  if (key) return key;
  if (host.autoImpersonate || host.impersonated.has(from)) return null;
  throw new RpcError(-32000, `no key for ${from}: the node signs only for its development accounts (eth_accounts) and impersonated ones (anvil_impersonateAccount)`);
}

function keyOf(host: RpcHost, v: unknown): Hex {
  const a = address(v, 'address');
  const key = host.devKeys.get(a);
  if (!key) throw new RpcError(-32000, `no key for ${a}: the node signs only for its development accounts (eth_accounts)`);
  return key;
}

/** The fields of an eth_sendTransaction object, with anvil's defaults, and who signs it. */
function transactionOf(params: unknown[], host: RpcHost): { from: Hex; key: Hex | null; fields: TxFields } {
  const o = param(params, 0, 'transaction');
  if (typeof o !== 'object' || o === null) throw invalid('the transaction must be an object');
  const t = o as Record<string, unknown>;
  const from = address(param([t.from], 0, 'from'), 'from');
  const key = signer(host, from);
  const input = host.dryInput({ ...t, from });
  const c = host.chain;
  const given = (k: string): bigint | undefined => (t[k] === undefined || t[k] === null ? undefined : qty(t[k], k));
  const gasPrice = given('gasPrice');
  const tip = given('maxPriorityFeePerGas') ?? gasPrice ?? DEFAULT_PRIORITY_FEE;
  const fields: TxFields = {
    chainId: c.chainId,
    nonce: given('nonce') ?? c.pendingNonce(from),
    to: input.to,
    value: input.value ?? 0n,
    data: input.data,
    gas: input.gas ?? host.estimateGas(input),
    maxFeePerGas: given('maxFeePerGas') ?? gasPrice ?? c.baseFeePerGas * 2n + tip,
    maxPriorityFeePerGas: tip,
  };
  return { from, key, fields };
}

function sendTransaction(params: unknown[], host: RpcHost): Hex {
  const { from, key, fields } = transactionOf(params, host);
  return host.acceptRaw(key ? signTx(key, fields) : impersonatedTx(from, fields), key ? undefined : from);
}

function signTransaction(params: unknown[], host: RpcHost): Hex {
  const { from, key, fields } = transactionOf(params, host);
  if (!key) throw new RpcError(-32000, `no key for ${from}: an impersonated account cannot sign`);
  return toHex(signTx(key, fields));
}

/** A count or number of seconds: a JSON number or a hex quantity. */
function seconds(v: unknown, name: string): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  return qty(v, name);
}

function typedData(v: unknown): TypedDataDefinition {
  let o: unknown = v;
  if (typeof v === 'string') {
    try {
      o = JSON.parse(v);
    } catch {
      throw invalid('typed data must be JSON');
    }
  }
  if (typeof o !== 'object' || o === null) throw invalid('typed data must be an object');
  return o as TypedDataDefinition;
}

const setBalance: MethodTable[string] = (params, host) => {
  host.chain.editAccount(address(param(params, 0, 'address'), 'address'), { balance: qty(param(params, 1, 'balance'), 'balance') });
  return null;
};

const addBalance: MethodTable[string] = (params, host) => {
  const a = address(param(params, 0, 'address'), 'address');
  host.chain.editAccount(a, { balance: host.chain.account(a).balance + qty(param(params, 1, 'amount'), 'amount') });
  return null;
};

const increaseTime: MethodTable[string] = (params, host) => quantity(host.chain.increaseTime(seconds(param(params, 0, 'seconds'), 'seconds')));

const setNextBlockTimestamp: MethodTable[string] = (params, host) => {
  host.chain.setNextBlockTimestamp(seconds(param(params, 0, 'timestamp'), 'timestamp'));
  return null;
};

const setAutomine: MethodTable[string] = (params, host) => {
  const on = param(params, 0, 'enabled');
  if (typeof on !== 'boolean') throw invalid('enabled must be true or false');
  host.automine = on;
  return null;
};

const setNonce: MethodTable[string] = (params, host) => {
  host.chain.editAccount(address(param(params, 0, 'address'), 'address'), { nonce: qty(param(params, 1, 'nonce'), 'nonce') });
  return null;
};

const impersonate: MethodTable[string] = (params, host) => {
  host.impersonated.add(address(param(params, 0, 'address'), 'address'));
  return null;
};

const stopImpersonating: MethodTable[string] = (params, host) => {
  host.impersonated.delete(address(param(params, 0, 'address'), 'address'));
  return null;
};

const mineBlocks: MethodTable[string] = (params, host) => {
  const count = params[0] === undefined || params[0] === null ? 1n : seconds(params[0], 'block count');
  const interval = params[1] === undefined || params[1] === null ? 0n : seconds(params[1], 'interval');
  if (count < 1n || count > BigInt(MAX_MINE)) throw invalid(`block count must be 1 to ${MAX_MINE}`);
  return mineFrom(host, 0, Number(count), interval);
};

const getAutomine: MethodTable[string] = (_p, host) => host.automine;

const reset: MethodTable[string] = (params, host) => {
  const o = params[0] as Record<string, unknown> | undefined;
  if (o && typeof o === 'object' && o.forking !== undefined) throw new RpcError(-32000, 'forking is not supported: QVM has no other chain to fork from');
  host.chain.reset();
  host.snapshots.clear();
  host.impersonated.clear();
  host.autoImpersonate = false;
  host.rolledBack();
  return null;
};

export const devMethods: MethodTable = {
  eth_accounts: (_p, host) => [...host.devKeys.keys()],
  eth_maxPriorityFeePerGas: () => quantity(DEFAULT_PRIORITY_FEE),
  eth_sendTransaction: sendTransaction,
  eth_signTransaction: signTransaction,
  eth_sign: (params, host) => signMessage(keyOf(host, param(params, 0, 'address')), hexBytes(param(params, 1, 'message'), 'message')),
  personal_sign: (params, host) => signMessage(keyOf(host, param(params, 1, 'address')), hexBytes(param(params, 0, 'message'), 'message')),
  eth_signTypedData_v4: (params, host) => {
    const key = keyOf(host, param(params, 0, 'address'));
    const typed = typedData(param(params, 1, 'typed data'));
    try {
      return signTypedData(key, typed);
    } catch (e) {
      // viem validates the structure (types, primaryType, domain, values) while hashing
      throw invalid(`invalid typed data: ${(e as Error).message.split('\n')[0]}`);
    }
  },

  anvil_impersonateAccount: impersonate,
  hardhat_impersonateAccount: impersonate,
  anvil_stopImpersonatingAccount: stopImpersonating,
  hardhat_stopImpersonatingAccount: stopImpersonating,
  anvil_autoImpersonateAccount(params, host) {
    const on = param(params, 0, 'enabled');
    if (typeof on !== 'boolean') throw invalid('enabled must be true or false');
    host.autoImpersonate = on;
    return null;
  },
  anvil_setBalance: setBalance,
  hardhat_setBalance: setBalance,
  anvil_addBalance: addBalance,
  anvil_setNonce: setNonce,
  hardhat_setNonce: setNonce,

  evm_snapshot(_p, host) {
    const id = quantity(host.snapshots.size === 0 ? 1 : Math.max(...[...host.snapshots.keys()].map(Number)) + 1);
    host.snapshots.set(id, host.chain.snapshot());
    return id;
  },
  evm_revert(params, host) {
    const id = quantity(qty(param(params, 0, 'snapshot id'), 'snapshot id'));
    const point = host.snapshots.get(id);
    if (!point) return false;
    host.chain.revertTo(point);
    // as anvil and hardhat: a snapshot is used up by its revert, and so are the later ones
    for (const k of [...host.snapshots.keys()]) if (Number(k) >= Number(id)) host.snapshots.delete(k);
    host.rolledBack();
    return true;
  },
  evm_increaseTime: increaseTime,
  anvil_increaseTime: increaseTime,
  evm_setNextBlockTimestamp: setNextBlockTimestamp,
  anvil_setNextBlockTimestamp: setNextBlockTimestamp,
  evm_mine(params, host) {
    if (params[0] !== undefined && params[0] !== null && typeof params[0] !== 'object') host.chain.setNextBlockTimestamp(seconds(params[0], 'timestamp'));
    return then(host.mine(), (b) => quantity(b.number));
  },
  anvil_mine: mineBlocks,
  hardhat_mine: mineBlocks,
  evm_setAutomine: setAutomine,
  anvil_setAutomine: setAutomine,
  anvil_getAutomine: getAutomine,
  hardhat_getAutomine: getAutomine,
  anvil_rollback(params, host) {
    const depth = params[0] === undefined || params[0] === null ? 1 : Number(seconds(params[0], 'depth'));
    const head = host.chain.latest().number;
    if (depth < 0 || depth > head) throw invalid(`depth must be 0 to ${head}`);
    host.chain.rollbackTo(head - depth);
    host.rolledBack();
    return null;
  },
  anvil_dropAllTransactions(_p, host) {
    host.chain.dropPending();
    return null;
  },
  txpool_status: (_p, host) => ({ pending: quantity(host.chain.poolSize()), queued: '0x0' }),
  anvil_reset: reset,
  hardhat_reset: reset,
};
