/** Block and transaction queries added to the original set (by hash and index, block receipts, uncles). */
import type { BlockHeader, RpcReceipt } from './chain.js';
import { keccak, quantity, toHex, type Hex } from './bytes.js';
import { hash32, optional, p, RpcError } from './rpc-params.js';
import { method, type MethodTable, type ParamSpec, type RpcHost } from './rpc-table.js';

function txAt(host: RpcHost, b: BlockHeader | null, i: number): Record<string, unknown> | null {
  const h = b?.transactions[i];
  if (!b || h === undefined) return null;
  return host.txJson(host.chain.transaction(h)!.tx, b, i);
}

/** eth_getBlockReceipts's block: a 32-byte hash, or what p.block() takes. */
const blockOrHash: ParamSpec<BlockHeader | null> = {
  name: 'block',
  optional: false,
  check: (v, host) =>
    typeof v === 'string' && v.length === 66 ? host.chain.blockByHash(hash32(v, 'block hash')) : host.chain.blockByNumber(host.blockNumberOf(v)),
};

const blockHash = p.hash('block hash');
const index = p.quantity('index');

export const blockMethods: MethodTable = {
  eth_getBlockTransactionCountByHash: method([blockHash], ([h], host) => {
    const b = host.chain.blockByHash(h);
    return b ? quantity(b.transactions.length) : null;
  }),
  eth_getTransactionByBlockNumberAndIndex: method([p.block(), index], ([n, i], host) => txAt(host, host.chain.blockByNumber(n), Number(i))),
  eth_getTransactionByBlockHashAndIndex: method([blockHash, index], ([h, i], host) => txAt(host, host.chain.blockByHash(h), Number(i))),
  eth_getBlockReceipts: method([blockOrHash], ([b], host) => (b ? b.transactions.map((h) => host.chain.receipt(h) as RpcReceipt) : null)),
  eth_getUncleCountByBlockHash: method([blockHash], ([h], host) => (host.chain.blockByHash(h) ? '0x0' : null)),
  eth_getUncleCountByBlockNumber: method([p.block()], ([n], host) => (host.chain.blockByNumber(n) ? '0x0' : null)),
  // QVM blocks have no uncles: the block and the index are not looked at
  eth_getUncleByBlockHashAndIndex: method([p.any('block hash'), p.any('index')], () => null),
  eth_getUncleByBlockNumberAndIndex: method([p.any('block'), p.any('index')], () => null),
  eth_getRawTransactionByHash: method([p.hash('transaction hash')], ([h], host) => {
    const t = host.chain.transaction(h);
    return t ? toHex(t.tx.raw) : null;
  }),
  eth_coinbase: method([], (): Hex => `0x${'00'.repeat(20)}`),
  web3_sha3: method([p.data('data')], ([d]) => toHex(keccak(d))),
  // QVM storage is keyed by strings, not 32-byte slots: no slot number names a key, so say so rather than answer zeros
  eth_getStorageAt: method([optional(p.any('address')), optional(p.any('slot')), optional(p.any('block'))], () => {
    throw new RpcError(-32602, 'eth_getStorageAt has no meaning on QVM: storage is keyed by strings; use qvm_getStorage(address, [key, …], block)');
  }),
};
