/** The Ethereum basics: node and chain facts, blocks, transactions, accounts and logs (docs/chain.md). */
import { quantity, toHex } from './bytes.js';
import type { StateReader } from './chain.js';
import { optional, p, RpcError } from './rpc-params.js';
import { method, type MethodTable, type ParamSpec, type RpcHost } from './rpc-table.js';

export const CLIENT_VERSION = 'qvm/0.1.0';

/** The state after block `n` (the head when absent). */
const stateAt = (host: RpcHost, n: number | undefined): StateReader => host.chain.stateAt(n ?? host.chain.latest().number);

/** eth_getTransactionCount's block: 'pending' counts the pooled transactions too. */
const blockOrPending: ParamSpec<number | 'pending' | undefined> = {
  name: 'block',
  optional: true,
  check: (v, host) => (v === 'pending' ? 'pending' : host.blockNumberOf(v)),
};

/** eth_feeHistory's reward percentiles: anything but an array asks for none. */
const percentiles: ParamSpec<readonly unknown[]> = {
  name: 'reward percentiles',
  optional: true,
  check: (v) => (Array.isArray(v) ? v : []),
};

const constant = (value: unknown) => method([], () => value);

const feeHistory = method([p.quantity('blockCount'), p.block('newestBlock'), percentiles], ([blockCount, newest, pct], host) => {
  const c = host.chain;
  const count = Math.min(Number(blockCount), 1024);
  const wanted = pct ?? [];
  const oldest = Math.max(0, newest - count + 1);
  const n = newest - oldest + 1;
  const ratio: number[] = [];
  for (let i = oldest; i <= newest; i++) {
    const b = c.blockByNumber(i);
    ratio.push(b ? Number(b.gasUsed) / Number(b.gasLimit) : 0);
  }
  return {
    oldestBlock: quantity(oldest),
    baseFeePerGas: Array.from({ length: n + 1 }, () => quantity(c.baseFeePerGas)),
    gasUsedRatio: ratio,
    ...(wanted.length ? { reward: Array.from({ length: n }, () => wanted.map(() => '0x0')) } : {}),
  };
});

export const ethMethods: MethodTable = {
  web3_clientVersion: constant(CLIENT_VERSION),
  net_listening: constant(true),
  net_peerCount: constant('0x0'),
  eth_syncing: constant(false),
  eth_mining: constant(true),
  net_version: method([], (_a, host) => host.chain.chainId.toString()),
  eth_chainId: method([], (_a, host) => quantity(host.chain.chainId)),
  eth_blockNumber: method([], (_a, host) => quantity(host.chain.latest().number)),
  eth_gasPrice: method([], (_a, host) => quantity(host.chain.baseFeePerGas)),
  eth_feeHistory: feeHistory,

  eth_getBlockByNumber: method([p.block(), optional(p.bool('full transactions'))], ([n, full], host) => {
    const b = host.chain.blockByNumber(n);
    return b ? host.blockJson(b, full === true) : null;
  }),
  eth_getBlockByHash: method([p.hash('block hash'), optional(p.bool('full transactions'))], ([h, full], host) => {
    const b = host.chain.blockByHash(h);
    return b ? host.blockJson(b, full === true) : null;
  }),
  eth_getBlockTransactionCountByNumber: method([p.block()], ([n], host) => {
    const b = host.chain.blockByNumber(n);
    return b ? quantity(b.transactions.length) : null;
  }),
  eth_getTransactionByHash: method([p.hash('transaction hash')], ([h], host) => {
    const c = host.chain;
    const t = c.transaction(h);
    if (t) return host.txJson(t.tx, c.blockByNumber(t.block), t.index);
    const pending = c.pendingTransaction(h);
    return pending ? host.txJson(pending, null, null) : null;
  }),
  eth_getTransactionReceipt: method([p.hash('transaction hash')], ([h], host) => host.chain.receipt(h)),
  eth_getLogs: method([p.any('filter')], ([filter], host) => host.getLogs(filter)),
  eth_sendRawTransaction: method([p.any('transaction')], ([rawHex], host) => {
    const max = host.chain.maxTxBytes;
    // said before decoding, so that a huge transaction costs no hex parse
    if (typeof rawHex === 'string' && rawHex.length > 2 + 2 * max) {
      throw new RpcError(-32602, `transaction too large: ${(rawHex.length - 2) >> 1} bytes (limit ${max})`);
    }
    return host.acceptRaw(p.data('transaction').check(rawHex, host));
  }),

  eth_getBalance: method([p.address('address'), optional(p.block())], ([a, n], host) => quantity(stateAt(host, n).account(a).balance)),
  eth_getTransactionCount: method([p.address('address'), blockOrPending], ([a, n], host) =>
    quantity(n === 'pending' ? host.chain.pendingNonce(a) : stateAt(host, n).account(a).nonce),
  ),
  eth_getCode: method([p.address('address'), optional(p.block())], ([a, n], host) => toHex(stateAt(host, n).code(a) ?? new Uint8Array(0))),
};
