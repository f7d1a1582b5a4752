/** Block and transaction queries added to the original set (by hash and index, block receipts, uncles). */
import type { BlockHeader, RpcReceipt } from './chain.js';
import { keccak, quantity, toHex, type Hex } from './bytes.js';
import { hash32, hexBytes, param, qty, RpcError } from './rpc-params.js';
import type { MethodTable, RpcHost } from './rpc-table.js';

const byHash = (host: RpcHost, v: unknown): BlockHeader | null => host.chain.blockByHash(hash32(v, 'block hash'));
const byNumber = (host: RpcHost, v: unknown): BlockHeader | null => host.chain.blockByNumber(host.blockNumberOf(v));

function txAt(host: RpcHost, b: BlockHeader | null, index: unknown): Record<string, unknown> | null {
  if (!b) return null;
  const i = Number(qty(index, 'index'));
  const h = b.transactions[i];
  if (h === undefined) return null;
  return host.txJson(host.chain.transaction(h)!.tx, b, i);
}

export const blockMethods: MethodTable = {
  eth_getBlockTransactionCountByHash(params, host) {
    const b = byHash(host, param(params, 0, 'block hash'));
    return b ? quantity(b.transactions.length) : null;
  },
  eth_getTransactionByBlockNumberAndIndex: (params, host) => txAt(host, byNumber(host, param(params, 0, 'block')), param(params, 1, 'index')),
  eth_getTransactionByBlockHashAndIndex: (params, host) => txAt(host, byHash(host, param(params, 0, 'block hash')), param(params, 1, 'index')),
  eth_getBlockReceipts(params, host) {
    const tag = param(params, 0, 'block');
    const b = typeof tag === 'string' && tag.length === 66 ? byHash(host, tag) : byNumber(host, tag);
    return b ? b.transactions.map((h) => host.chain.receipt(h) as RpcReceipt) : null;
  },
  eth_getUncleCountByBlockHash: (params, host) => (byHash(host, param(params, 0, 'block hash')) ? '0x0' : null),
  eth_getUncleCountByBlockNumber: (params, host) => (byNumber(host, param(params, 0, 'block')) ? '0x0' : null),
  eth_getUncleByBlockHashAndIndex: () => null,
  eth_getUncleByBlockNumberAndIndex: () => null,
  eth_getRawTransactionByHash(params, host) {
    const t = host.chain.transaction(hash32(param(params, 0, 'transaction hash'), 'transaction hash'));
    return t ? toHex(t.tx.raw) : null;
  },
  eth_coinbase: (): Hex => `0x${'00'.repeat(20)}`,
  web3_sha3: (params) => toHex(keccak(hexBytes(param(params, 0, 'data'), 'data'))),
  eth_getStorageAt() {
    // QVM storage is keyed by strings, not 32-byte slots: no slot number names a key, so say so rather than answer zeros
    throw new RpcError(-32602, 'eth_getStorageAt has no meaning on QVM: storage is keyed by strings; use qvm_getStorage(address, [key, …], block)');
  },
};
