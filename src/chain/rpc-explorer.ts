/**
 * Read-only `qvm_*` methods for the block explorer (docs/explorer.md), as RPC table entries:
 * lists of blocks and transactions, an account with its code, a page of a contract's storage,
 * search; and the re-executed trace of a transaction (qvm_traceTransaction's `reexecute` option).
 * They only read the chain; every answer is plain JSON.
 */
import { parseElf, ElfError } from '../elf/parse.js';
import { normAddress, quantity, toHex, type Hex } from './bytes.js';
import type { Chain, RpcReceipt } from './chain.js';
import { invalid, optional, p } from './rpc-params.js';
import { method, type MethodTable, type ParamSpec } from './rpc-table.js';
import { TxTracer, type TxTrace } from './trace.js';

const MAX_LIST = 200;
const MAX_STORAGE_PAGE = 500;

export interface BlockSummary {
  number: number;
  hash: Hex;
  timestamp: string;
  transactions: number;
  gasUsed: string;
}

export interface TxSummary {
  hash: Hex;
  block: number;
  index: number;
  from: Hex;
  to: Hex | null;
  contractAddress: Hex | null;
  kind: RpcReceipt['qvm']['kind'];
  status: 'success' | 'failure';
  gasUsed: string;
}

const tracers = new WeakMap<Chain, TxTracer>();

/** The tracer of a chain (it keeps replay cursors between requests). */
export function tracerOf(chain: Chain): TxTracer {
  let t = tracers.get(chain);
  if (!t) tracers.set(chain, (t = new TxTracer(chain)));
  return t;
}

const bad = invalid;

function count(v: unknown, dflt: number, max: number, name: string): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw bad(`${name} must be a non-negative integer`);
  return Math.min(v, max);
}

function addressParam(v: unknown): Hex {
  try {
    return normAddress(v);
  } catch {
    throw bad('address must be 0x followed by 40 hex digits');
  }
}

/** The explorer's methods, as entries of the RPC method table (rpc-methods.ts). */
/** A non-negative JSON integer, at most `max`; the handler gives the default for absent or null. */
function counted(name: string, max: number): ParamSpec<number | undefined> {
  return { name, optional: true, check: (v) => count(v, 0, max, name) };
}

/** The explorer's methods, as entries of the RPC method table (rpc-methods.ts). */
export const explorerMethods: MethodTable = {
  qvm_listBlocks: method([counted('count', MAX_LIST), optional(p.any('before'))], ([n, before], host) => listBlocks(host.chain, n ?? 20, before)),
  qvm_listTransactions: method([optional(p.any('filter'))], ([filter], host) => listTransactions(host.chain, filter)),
  qvm_getAccount: method([p.address('address')], ([a], host) => account(host.chain, a)),
  qvm_getStoragePage: method([p.address('address'), counted('offset', Number.MAX_SAFE_INTEGER), counted('limit', MAX_STORAGE_PAGE)], ([a, offset, limit], host) =>
    storagePage(host.chain, a, offset ?? 0, limit ?? 50),
  ),
  qvm_search: method([optional(p.any('query'))], ([q], host) => search(host.chain, q)),
};

/** qvm_traceTransaction's options: `{ reexecute: true }` adds the re-executed trace. */
export function reexecuteAsked(options: unknown): boolean {
  if (options === undefined || options === null) return false;
  if (typeof options !== 'object' || Array.isArray(options)) throw bad('options must be an object like { "reexecute": true }');
  const v = (options as Record<string, unknown>).reexecute;
  if (v !== undefined && typeof v !== 'boolean') throw bad('reexecute must be true or false');
  return v === true;
}

/** The re-executed trace of a mined transaction (null when unknown). */
export function traceOf(chain: Chain, hash: Hex): TxTrace | null {
  return tracerOf(chain).trace(hash);
}

/** The `count` blocks below `before` (default: from the latest), newest first. */
function listBlocks(chain: Chain, n: number, before: unknown): BlockSummary[] {
  const head = chain.latest().number;
  const top = before === undefined || before === null ? head : count(before, head, head + 1, 'before') - 1;
  const out: BlockSummary[] = [];
  for (let i = top; i >= 0 && out.length < n; i--) {
    const b = chain.blockByNumber(i);
    if (b) out.push({ number: b.number, hash: b.hash, timestamp: b.timestamp, transactions: b.transactions.length, gasUsed: b.gasUsed });
  }
  return out;
}

/** Newest first; `{ address, limit, block }` (address: sent by it, to it or deployed as it; block: only that block). */
function listTransactions(chain: Chain, filter: unknown): TxSummary[] {
  const f = (typeof filter === 'object' && filter !== null ? filter : {}) as Record<string, unknown>;
  const limit = count(f.limit, 20, MAX_LIST, 'limit');
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.address !== undefined && f.address !== null) {
    const a = addressParam(f.address);
    where.push("(json_extract(receipt, '$.from') = ? OR json_extract(receipt, '$.to') = ? OR json_extract(receipt, '$.contractAddress') = ?)");
    args.push(a, a, a);
  }
  if (f.block !== undefined && f.block !== null) {
    where.push('block = ?');
    args.push(count(f.block, 0, Number.MAX_SAFE_INTEGER, 'block'));
  }
  const sql = `SELECT receipt FROM txs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY block DESC, idx DESC LIMIT ?`;
  const rows = chain.db.prepare(sql).all(...args, limit) as Array<{ receipt: string }>;
  return rows.map((r) => summary(JSON.parse(r.receipt) as RpcReceipt));
}

function summary(r: RpcReceipt): TxSummary {
  return {
    hash: r.transactionHash,
    block: Number(r.blockNumber),
    index: Number(r.transactionIndex),
    from: r.from,
    to: r.to,
    contractAddress: r.contractAddress,
    kind: r.qvm.kind,
    status: r.status === '0x1' ? 'success' : 'failure',
    gasUsed: BigInt(r.gasUsed).toString(),
  };
}

function account(chain: Chain, a: Hex): Record<string, unknown> {
  const acct = chain.account(a);
  const code = chain.code(a);
  let arch: string | null = null;
  if (code) {
    try {
      arch = parseElf(code).machine;
    } catch (e) {
      if (!(e instanceof ElfError)) throw e;
      arch = 'unknown';
    }
  }
  return {
    address: a,
    balance: quantity(acct.balance),
    nonce: quantity(acct.nonce),
    codeHash: acct.codeHash,
    codeSize: code?.length ?? 0,
    arch,
    contract: chain.contract(a),
    storageKeys: chain.storageOf(a).size,
  };
}

function storagePage(chain: Chain, a: Hex, offset: number, limit: number): Record<string, unknown> {
  const st = chain.storageOf(a);
  const keys = [...st.keys()].sort();
  const td = new TextDecoder();
  return {
    total: keys.length,
    offset,
    entries: keys.slice(offset, offset + limit).map((k) => ({ key: k, value: toHex(st.get(k)!), text: td.decode(st.get(k)!) })),
  };
}

/** Where a query leads: a block number or hash, a transaction hash, or an address. */
function search(chain: Chain, q: unknown): { kind: 'block' | 'tx' | 'address' | 'none'; path: string | null } {
  const s = typeof q === 'string' ? q.trim().toLowerCase() : '';
  if (/^[0-9]+$/.test(s)) {
    const n = Number(s);
    return chain.blockByNumber(n) ? { kind: 'block', path: `/block/${n}` } : { kind: 'none', path: null };
  }
  if (/^0x[0-9a-f]{64}$/.test(s)) {
    if (chain.receipt(s as Hex) || chain.pendingTransaction(s as Hex)) return { kind: 'tx', path: `/tx/${s}` };
    const b = chain.blockByHash(s as Hex);
    return b ? { kind: 'block', path: `/block/${b.number}` } : { kind: 'none', path: null };
  }
  if (/^0x[0-9a-f]{40}$/.test(s)) return { kind: 'address', path: `/address/${s}` };
  return { kind: 'none', path: null };
}
