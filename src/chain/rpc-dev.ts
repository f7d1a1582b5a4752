/**
 * Development accounts and test controls, as anvil and hardhat have them: unlocked accounts
 * (eth_accounts, eth_sendTransaction, eth_sign, personal_sign, eth_signTypedData_v4),
 * impersonation, snapshots, time, balances, mining and reset (docs/chain.md).
 */
import type { TypedDataDefinition } from 'viem';
import { quantity, toHex, type Hex } from './bytes.js';
import { impersonatedTx, signMessage, signTx, signTypedData, type TxFields } from './dev-signer.js';
import { address, invalid, optional, p, param, qty, RpcError } from './rpc-params.js';
import { method, then, type MethodTable, type ParamSpec, type RpcHost } from './rpc-table.js';

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

/** The fields of an eth_sendTransaction object, with anvil's defaults, and who signs it. */
function transactionOf(t: Record<string, unknown>, host: RpcHost): { from: Hex; key: Hex | null; fields: TxFields } {
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

const sendTransaction = method([p.object('transaction')], ([t], host): Hex => {
  const { from, key, fields } = transactionOf(t, host);
  return host.acceptRaw(key ? signTx(key, fields) : impersonatedTx(from, fields), key ? undefined : from);
});

const signTransaction = method([p.object('transaction')], ([t], host): Hex => {
  const { from, key, fields } = transactionOf(t, host);
  if (!key) throw new RpcError(-32000, `no key for ${from}: an impersonated account cannot sign`);
  return toHex(signTx(key, fields));
});

/** A count or number of seconds: a JSON integer (negative too: the handler bounds it) or a hex quantity. */
function seconds(name: string): ParamSpec<bigint> {
  return {
    name,
    optional: false,
    check: (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : qty(v, name)),
  };
}

/** Typed data as an object or its JSON text; viem checks its structure while hashing. */
const typedData: ParamSpec<TypedDataDefinition> = {
  name: 'typed data',
  optional: false,
  check: (v) => {
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
  },
};

/** An unlocked account's key, or -32000 for any other account. */
const devKey: ParamSpec<Hex> = {
  name: 'address',
  optional: false,
  check: (v, host) => {
    const a = address(v, 'address');
    const key = host.devKeys.get(a);
    if (!key) throw new RpcError(-32000, `no key for ${a}: the node signs only for its development accounts (eth_accounts)`);
    return key;
  },
};

const account = p.address('address');
const enabled = p.bool('enabled');

const setBalance = method([account, p.quantity('balance')], ([a, balance], host) => {
  host.chain.editAccount(a, { balance });
  return null;
});

const addBalance = method([account, p.quantity('amount')], ([a, amount], host) => {
  host.chain.editAccount(a, { balance: host.chain.account(a).balance + amount });
  return null;
});

const increaseTime = method([seconds('seconds')], ([s], host) => quantity(host.chain.increaseTime(s)));

const setNextBlockTimestamp = method([seconds('timestamp')], ([t], host) => {
  host.chain.setNextBlockTimestamp(t);
  return null;
});

const setAutomine = method([enabled], ([on], host) => {
  host.automine = on;
  return null;
});

const setNonce = method([account, p.quantity('nonce')], ([a, nonce], host) => {
  host.chain.editAccount(a, { nonce });
  return null;
});

const impersonate = method([account], ([a], host) => {
  host.impersonated.add(a);
  return null;
});

const stopImpersonating = method([account], ([a], host) => {
  host.impersonated.delete(a);
  return null;
});

const mineBlocks = method([optional(seconds('block count')), optional(seconds('interval'))], ([n, every], host) => {
  const count = n ?? 1n;
  const interval = every ?? 0n;
  if (count < 1n || count > BigInt(MAX_MINE)) throw invalid(`block count must be 1 to ${MAX_MINE}`);
  return mineFrom(host, 0, Number(count), interval);
});

const getAutomine = method([], (_a, host) => host.automine);

/** anvil_reset's options: `{ forking }` cannot be served; any other value is ignored, as before. */
const resetOptions: ParamSpec<unknown> = {
  name: 'options',
  optional: true,
  check: (v) => {
    if (typeof v === 'object' && v !== null && (v as Record<string, unknown>).forking !== undefined) {
      throw new RpcError(-32000, 'forking is not supported: QVM has no other chain to fork from');
    }
    return v;
  },
};

const reset = method([resetOptions], (_a, host) => {
  host.chain.reset();
  host.snapshots.clear();
  host.impersonated.clear();
  host.autoImpersonate = false;
  host.rolledBack();
  return null;
});

/** evm_mine's argument: a timestamp; an object (anvil's `{ timestamp, blocks }`) is ignored, as before. */
const mineTimestamp: ParamSpec<bigint | undefined> = {
  name: 'timestamp',
  optional: true,
  check: (v, host) => (typeof v === 'object' ? undefined : seconds('timestamp').check(v, host)),
};

export const devMethods: MethodTable = {
  eth_accounts: method([], (_a, host) => [...host.devKeys.keys()]),
  eth_maxPriorityFeePerGas: method([], () => quantity(DEFAULT_PRIORITY_FEE)),
  eth_sendTransaction: sendTransaction,
  eth_signTransaction: signTransaction,
  eth_sign: method([devKey, p.data('message')], ([key, message]) => signMessage(key, message)),
  personal_sign: method([p.data('message'), devKey], ([message, key]) => signMessage(key, message)),
  eth_signTypedData_v4: method([devKey, typedData], ([key, typed]) => {
    try {
      return signTypedData(key, typed);
    } catch (e) {
      // viem validates the structure (types, primaryType, domain, values) while hashing
      throw invalid(`invalid typed data: ${(e as Error).message.split('\n')[0]}`);
    }
  }),

  anvil_impersonateAccount: impersonate,
  hardhat_impersonateAccount: impersonate,
  anvil_stopImpersonatingAccount: stopImpersonating,
  hardhat_stopImpersonatingAccount: stopImpersonating,
  anvil_autoImpersonateAccount: method([enabled], ([on], host) => {
    host.autoImpersonate = on;
    return null;
  }),
  anvil_setBalance: setBalance,
  hardhat_setBalance: setBalance,
  anvil_addBalance: addBalance,
  anvil_setNonce: setNonce,
  hardhat_setNonce: setNonce,

  evm_snapshot: method([], (_a, host) => {
    const id = quantity(host.snapshots.size === 0 ? 1 : Math.max(...[...host.snapshots.keys()].map(Number)) + 1);
    host.snapshots.set(id, host.chain.snapshot());
    return id;
  }),
  evm_revert: method([p.quantity('snapshot id')], ([n], host) => {
    const id = quantity(n);
    const point = host.snapshots.get(id);
    if (!point) return false;
    host.chain.revertTo(point);
    // as anvil and hardhat: a snapshot is used up by its revert, and so are the later ones
    for (const k of [...host.snapshots.keys()]) if (Number(k) >= Number(id)) host.snapshots.delete(k);
    host.rolledBack();
    return true;
  }),
  evm_increaseTime: increaseTime,
  anvil_increaseTime: increaseTime,
  evm_setNextBlockTimestamp: setNextBlockTimestamp,
  anvil_setNextBlockTimestamp: setNextBlockTimestamp,
  evm_mine: method([mineTimestamp], ([t], host) => {
    if (t !== undefined) host.chain.setNextBlockTimestamp(t);
    return then(host.mine(), (b) => quantity(b.number));
  }),
  anvil_mine: mineBlocks,
  hardhat_mine: mineBlocks,
  evm_setAutomine: setAutomine,
  anvil_setAutomine: setAutomine,
  anvil_getAutomine: getAutomine,
  hardhat_getAutomine: getAutomine,
  anvil_rollback: method([optional(seconds('depth'))], ([d], host) => {
    const depth = d === undefined ? 1 : Number(d);
    const head = host.chain.latest().number;
    if (depth < 0 || depth > head) throw invalid(`depth must be 0 to ${head}`);
    host.chain.rollbackTo(head - depth);
    host.rolledBack();
    return null;
  }),
  anvil_dropAllTransactions: method([], (_a, host) => {
    host.chain.dropPending();
    return null;
  }),
  txpool_status: method([], (_a, host) => ({ pending: quantity(host.chain.poolSize()), queued: '0x0' })),
  anvil_reset: reset,
  hardhat_reset: reset,
};
