/**
 * The block explorer served by `qvm node` (docs/explorer.md). One page that routes itself by
 * path: `/` latest blocks and transactions (updating live), `/block/<n>`, `/tx/<hash>`,
 * `/address/<addr>`, and `/?q=<query>` (search). Everything comes from the node's JSON-RPC on the
 * same origin.
 */
import type { GasProfile } from '../../src/machine/profile/types.js';
import { fields, gas, h, hexText, short, table } from '../shared/dom.js';
import { flameGraph, functionTable } from '../shared/flame.js';
import { RpcClient } from '../shared/rpc.js';

interface BlockSummary { number: number; hash: string; timestamp: string; transactions: number; gasUsed: string }
interface TxSummary {
  hash: string; block: number; index: number; from: string; to: string | null; contractAddress: string | null;
  kind: string; status: string; gasUsed: string;
}
interface Receipt {
  transactionHash: string; blockNumber: string; from: string; to: string | null; contractAddress: string | null;
  status: string; gasUsed: string; logs: Array<{ data: string; topics: string[] }>;
}
interface Reexecuted {
  contract: string | null; args: string[]; readKeys: string[]; stdin: string;
  storageWrites: Array<{ key: string; old: string | null; new: string | null }>; events: Array<{ topic0: string; text: string }>;
  profile: GasProfile | null; vmGasUsed: number;
}
interface Trace {
  kind: string; status: string; failure: { kind: string; reason: string } | null; vmGasUsed: number; intrinsicGas: number;
  reads: string[]; stdout: string; stderr: string; instructions: number; syscalls: number; exitCode: number;
  reexecuted: Reexecuted;
}
interface Account {
  address: string; balance: string; nonce: string; codeHash: string | null; codeSize: number; arch: string | null;
  storageKeys: number; contract: { deployer: string; deployTx: string; deployBlock: number } | null;
}

const rpc = new RpcClient(location.origin + '/');
const main = document.querySelector('main')!;
const PAGE = 50;

const link = {
  block: (n: number | string) => h('a', { href: `/block/${n}` }, String(n)),
  tx: (hash: string, full = false) => h('a', { href: `/tx/${hash}`, class: 'mono' }, full ? hash : short(hash, 14)),
  addr: (a: string | null, full = false) => (a ? h('a', { href: `/address/${a}`, class: 'mono' }, full ? a : short(a, 12)) : h('span', { class: 'muted' }, '—')),
};

const status = (s: string) => h('span', { class: s === 'success' || s === '0x1' ? 'ok' : 'bad' }, s === '0x1' ? 'success' : s === '0x0' ? 'failure' : s);
const time = (ts: string) => new Date(Number(ts) * 1000).toISOString().replace('T', ' ').replace('.000Z', ' UTC');
const eth = (wei: string) => {
  const v = BigInt(wei);
  const whole = v / 10n ** 18n;
  const frac = (v % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '');
  return `${whole}${frac ? '.' + frac : ''} ETH`;
};
/** Storage bytes as text when printable, else hex. */
const value = (hex: string | null) => {
  if (hex === null) return h('span', { class: 'muted' }, '(none)');
  const t = hexText(hex);
  return /^[\x20-\x7e]*$/.test(t) ? h('code', null, t) : h('code', { title: 'hex' }, hex);
};

function txRows(txs: TxSummary[], fresh: Set<string> = new Set()): HTMLElement {
  const t = table(['transaction', 'block', 'from', 'to / contract', 'kind', 'status', 'gas'],
    txs.map((x) => [link.tx(x.hash), link.block(x.block), link.addr(x.from), link.addr(x.contractAddress ?? x.to), x.kind, status(x.status), gas(x.gasUsed)]));
  t.querySelectorAll('tbody tr').forEach((tr, i) => { if (fresh.has(txs[i]!.hash)) tr.classList.add('new'); tr.setAttribute('data-tx', txs[i]!.hash); });
  return t;
}

async function home(): Promise<void> {
  document.title = 'QVM explorer';
  const blocksBox = h('div', { id: 'blocks' });
  const txsBox = h('div', { id: 'txs' });
  const head = h('span', { id: 'head' });
  main.replaceChildren(h('h1', null, 'Latest blocks and transactions ', h('span', { class: 'muted' }, '(block ', head, ', updating live)')),
    h('div', { class: 'cols' }, h('section', null, h('h2', null, 'Blocks'), blocksBox), h('section', null, h('h2', null, 'Transactions'), txsBox)));
  let shown = -1;
  const seen = new Set<string>();
  const refresh = async (): Promise<void> => {
    const n = Number(BigInt(await rpc.call<string>('eth_blockNumber')));
    if (n === shown) return;
    const [blocks, txs] = await Promise.all([rpc.call<BlockSummary[]>('qvm_listBlocks', 20), rpc.call<TxSummary[]>('qvm_listTransactions', { limit: 20 })]);
    const fresh = new Set(shown < 0 ? [] : txs.map((t) => t.hash).filter((x) => !seen.has(x)));
    txs.forEach((t) => seen.add(t.hash));
    const bt = table(['block', 'hash', 'time', 'txs', 'gas used'], blocks.map((b) => [link.block(b.number), h('code', { class: 'nowrap' }, short(b.hash, 12)), h('span', { class: 'nowrap', title: time(b.timestamp) }, time(b.timestamp).slice(11)), b.transactions, gas(b.gasUsed)]));
    bt.querySelectorAll('tbody tr').forEach((tr, i) => { tr.setAttribute('data-block', String(blocks[i]!.number)); if (shown >= 0 && blocks[i]!.number > shown) tr.classList.add('new'); });
    blocksBox.replaceChildren(bt);
    txsBox.replaceChildren(txs.length ? txRows(txs, fresh) : h('p', { class: 'muted' }, 'no transactions yet'));
    head.textContent = String(n);
    shown = n;
  };
  await refresh();
  setInterval(() => { refresh().catch((e: Error) => { head.textContent = `(${e.message})`; }); }, 1000);
}

async function blockPage(id: string): Promise<void> {
  const b = await rpc.call<Record<string, string> & { transactions: string[] } | null>('eth_getBlockByNumber', '0x' + BigInt(id).toString(16), false);
  if (!b) return notFound(`block ${id}`);
  const n = Number(BigInt(b.number!));
  document.title = `Block ${n} · QVM`;
  const [txs, headHex] = await Promise.all([rpc.call<TxSummary[]>('qvm_listTransactions', { block: n, limit: 200 }), rpc.call<string>('eth_blockNumber')]);
  const isHead = BigInt(headHex) === BigInt(n);
  main.replaceChildren(
    h('h1', null, `Block ${n}`),
    fields([
      ['hash', h('code', null, b.hash!)],
      ['parent', n > 0 ? h('a', { href: `/block/${n - 1}`, class: 'mono' }, b.parentHash!) : h('code', null, b.parentHash!)],
      ['time', time(String(BigInt(b.timestamp!)))],
      ['gas used', `${gas(b.gasUsed!)} of ${gas(b.gasLimit!)}`],
      ['state root', h('code', null, b.stateRoot!)],
      ['transactions', String(b.transactions.length)],
    ]),
    h('p', null, n > 0 ? h('a', { href: `/block/${n - 1}` }, '‹ previous') : '', ' ', isHead ? h('span', { class: 'muted' }, '(latest)') : h('a', { href: `/block/${n + 1}` }, 'next ›')),
    h('h2', null, 'Transactions'),
    txs.length ? txRows(txs.reverse()) : h('p', { class: 'muted' }, 'none'),
  );
}

async function txPage(hash: string): Promise<void> {
  const r = await rpc.call<Receipt | null>('eth_getTransactionReceipt', hash);
  if (!r) {
    const pending = await rpc.call<{ from: string; to: string | null } | null>('eth_getTransactionByHash', hash);
    if (!pending) return notFound(`transaction ${hash}`);
    main.replaceChildren(h('h1', null, 'Transaction'), fields([['hash', h('code', null, hash)], ['status', h('span', { id: 'tx-status' }, 'pending: waiting for the next block')], ['sender', link.addr(pending.from, true)], ['to', link.addr(pending.to, true)]]));
    // shown as soon as it is mined
    const wait = setInterval(() => { void rpc.call<Receipt | null>('eth_getTransactionReceipt', hash).then((x) => { if (x) { clearInterval(wait); void txPage(hash); } }); }, 1000);
    return;
  }
  document.title = `Tx ${short(hash)} · QVM`;
  main.replaceChildren(h('h1', null, 'Transaction'), h('p', { class: 'muted' }, 're-executing…'));
  const rec = await rpc.call<Trace>('qvm_traceTransaction', hash, { reexecute: true });
  const t = { ...rec, ...rec.reexecuted };
  const contract = t.contract ?? r.contractAddress ?? r.to;
  const reads = [...new Set([...t.readKeys, ...t.reads])];
  main.replaceChildren(
    h('h1', null, 'Transaction'),
    fields([
      ['hash', h('code', { id: 'tx-hash' }, r.transactionHash)],
      ['status', h('span', { id: 'tx-status' }, status(r.status))],
      ...(t.failure ? [['failure', h('span', { class: 'bad', id: 'tx-failure' }, `${t.failure.kind}: ${t.failure.reason}`)] as [string, HTMLElement]] : []),
      ['block', link.block(Number(BigInt(r.blockNumber)))],
      ['sender', link.addr(r.from, true)],
      [t.kind === 'deploy' ? 'deployed' : 'contract', t.kind === 'transfer' ? h('span', null, 'plain transfer to ', link.addr(r.to, true)) : link.addr(contract, true)],
      ['kind', t.kind],
      ['args', t.args.length ? h('code', { id: 'tx-args' }, t.args.map((a) => (/^[\w.:/-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')) : h('span', { class: 'muted' }, '(none)')],
      ['read keys', reads.length ? h('code', null, reads.join(', ')) : h('span', { class: 'muted' }, '(none)')],
      ['gas', `${gas(r.gasUsed)} (VM ${gas(t.vmGasUsed)} + intrinsic ${gas(t.intrinsicGas)})`],
      ['run', `exit ${t.exitCode} · ${gas(t.instructions)} instructions · ${gas(t.syscalls)} system calls`],
    ]),
    h('h2', null, 'Events'),
    t.events.length ? h('ul', { id: 'events' }, ...t.events.map((e) => h('li', null, h('code', null, e.text)))) :
      r.logs.length ? h('ul', { id: 'events' }, ...r.logs.map((l) => h('li', { class: 'bad' }, h('code', null, hexText(l.data))))) : h('p', { class: 'muted' }, 'none'),
    h('h2', null, 'Storage writes'),
    t.storageWrites.length ? table(['key', 'old', 'new'], t.storageWrites.map((w) => [h('code', null, w.key), value(w.old), value(w.new)]), 'list writes') : h('p', { class: 'muted' }, 'none'),
    ...(t.stderr !== '0x' ? [h('h2', null, 'stderr'), h('pre', null, hexText(t.stderr))] : []),
    ...(t.profile ? [h('h2', null, 'Gas profile'), flameGraph(t.profile), functionTable(t.profile)] : []),
  );
}

async function addressPage(addr: string): Promise<void> {
  const a = await rpc.call<Account>('qvm_getAccount', addr);
  document.title = `Address ${short(addr)} · QVM`;
  const storageBox = h('div', { id: 'storage' });
  const showStorage = async (offset: number): Promise<void> => {
    const p = await rpc.call<{ total: number; entries: Array<{ key: string; value: string }> }>('qvm_getStoragePage', addr, offset, PAGE);
    storageBox.replaceChildren(
      table(['key', 'value'], p.entries.map((e) => [h('code', null, e.key), value(e.value)])),
      h('div', { class: 'pager' },
        h('button', { disabled: offset === 0, onclick: (() => showStorage(Math.max(0, offset - PAGE))) as EventListener }, '‹ previous'),
        `${p.total ? offset + 1 : 0}–${Math.min(offset + PAGE, p.total)} of ${p.total}`,
        h('button', { disabled: offset + PAGE >= p.total, onclick: (() => showStorage(offset + PAGE)) as EventListener }, 'next ›')),
    );
  };
  const txs = await rpc.call<TxSummary[]>('qvm_listTransactions', { address: addr, limit: 100 });
  main.replaceChildren(
    h('h1', null, a.codeHash ? 'Contract ' : 'Address ', h('code', null, a.address)),
    fields([
      ['balance', eth(a.balance)],
      ['nonce', String(BigInt(a.nonce))],
      ...(a.codeHash ? [
        ['code hash', h('code', null, a.codeHash)],
        ['code size', `${gas(a.codeSize)} bytes`],
        ['architecture', a.arch ?? ''],
        ['deployed', a.contract ? h('span', null, 'by ', link.addr(a.contract.deployer), ' in ', link.tx(a.contract.deployTx), ' (block ', link.block(a.contract.deployBlock), ')') : ''],
      ] as Array<[string, HTMLElement | string]> : []),
    ]),
    ...(a.codeHash ? [h('h2', null, `Storage (${a.storageKeys} keys)`), storageBox] : []),
    h('h2', null, 'Transactions'),
    txs.length ? txRows(txs) : h('p', { class: 'muted' }, 'none'),
  );
  if (a.codeHash) await showStorage(0);
}

async function search(q: string): Promise<void> {
  const r = await rpc.call<{ kind: string; path: string | null }>('qvm_search', q);
  if (r.path) location.replace(r.path);
  else main.replaceChildren(h('h1', null, 'Search'), h('p', { id: 'not-found' }, `Nothing found for “${q}”: try a block number, a block or transaction hash, or an address.`));
}

function notFound(what: string): void {
  main.replaceChildren(h('h1', null, 'Not found'), h('p', { id: 'not-found' }, `There is no ${what} on this chain.`));
}

async function route(): Promise<void> {
  const path = location.pathname;
  const q = new URLSearchParams(location.search).get('q');
  const input = document.querySelector<HTMLInputElement>('header input')!;
  if (q !== null) input.value = q;
  let m: RegExpExecArray | null;
  if (q !== null && q.trim() !== '') return search(q);
  if ((m = /^\/block\/(\d+)$/.exec(path))) return blockPage(m[1]!);
  if ((m = /^\/tx\/(0x[0-9a-fA-F]{64})$/.exec(path))) return txPage(m[1]!.toLowerCase());
  if ((m = /^\/address\/(0x[0-9a-fA-F]{40})$/.exec(path))) return addressPage(m[1]!.toLowerCase());
  if (path === '/') return home();
  return notFound(`page ${path}`);
}

route().catch((e: Error) => main.replaceChildren(h('h1', null, 'Error'), h('p', { class: 'error' }, e.message)));
