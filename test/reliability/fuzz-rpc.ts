/**
 * JSON-RPC fuzzing against a running node: malformed bodies (bad JSON, deep nesting, huge
 * strings and numbers, invalid UTF-8), requests with every method and adversarial parameters
 * (wrong types, huge hex, negative and fractional quantities, odd block tags and addresses,
 * unicode), batches, and raw transaction mutants. Every answer must be well-formed (a JSON-RPC
 * result or error, or a 4xx for what is not JSON-RPC at all), no error may be an internal error,
 * no request may hang, and the node must be up and consistent at the end. A tenth as many bodies
 * again go over one WebSocket as text or binary frames (with the odd frame over the payload limit):
 * every answer must be well-formed, and the node must survive the server closing the socket.
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { encodeCall, encodeDeploy, type Hex } from '../../src/chain/index.js';
import { example, KEYS, rpc, startNode } from '../chain-helpers.js';
import { campaign, percentile, type Tally } from './campaign.js';
import { mutateTx } from './fuzz-envelope.js';
import { sendAndWait } from './node-client.js';
import { Rng } from './rng.js';

const HANG_MS = 15_000;
const WORKERS = 4;

const METHODS = [
  'web3_clientVersion', 'web3_sha3', 'net_version', 'net_listening', 'net_peerCount', 'eth_syncing', 'eth_mining',
  'eth_accounts', 'eth_chainId', 'eth_blockNumber', 'eth_gasPrice', 'eth_maxPriorityFeePerGas', 'eth_feeHistory',
  'eth_getBlockByNumber', 'eth_getBlockByHash', 'eth_getBlockTransactionCountByNumber', 'eth_getBlockTransactionCountByHash',
  'eth_getTransactionByHash', 'eth_getTransactionByBlockNumberAndIndex', 'eth_getTransactionByBlockHashAndIndex',
  'eth_getTransactionReceipt', 'eth_getBlockReceipts', 'eth_getLogs', 'eth_sendRawTransaction', 'eth_sendTransaction',
  'eth_sign', 'personal_sign', 'eth_signTypedData_v4', 'eth_getBalance', 'eth_getTransactionCount', 'eth_getCode',
  'eth_getStorageAt', 'eth_call', 'eth_estimateGas', 'eth_newFilter', 'eth_newBlockFilter',
  'eth_newPendingTransactionFilter', 'eth_getFilterChanges', 'eth_getFilterLogs', 'eth_uninstallFilter',
  'eth_subscribe', 'eth_unsubscribe', 'qvm_call', 'qvm_getStorage', 'qvm_getContract', 'qvm_traceTransaction',
  'qvm_stateRoot', 'qvm_mine', 'qvm_syncStatus', 'evm_mine', 'evm_snapshot', 'evm_revert', 'evm_increaseTime',
  'evm_setNextBlockTimestamp', 'evm_setAutomine', 'anvil_setBalance', 'hardhat_setBalance', 'anvil_impersonateAccount',
  'anvil_stopImpersonatingAccount', 'anvil_mine', 'anvil_reset', 'anvil_setNonce', 'rpc_modules',
];

const TAGS = ['latest', 'pending', 'earliest', 'safe', 'finalized', '0x0', '0x1', '0xffffffffffffffff', '-1', 'LATEST', '0x', '', 'latest\u0000'];

function hugeHex(r: Rng): string {
  return '0x' + 'f'.repeat(r.pick([1, 63, 64, 65, 128, 1000, 100_000]));
}

function address(r: Rng, known: Hex[]): unknown {
  return r.pick<unknown>([
    r.pick(known), '0x' + '00'.repeat(20), '0x' + 'ab'.repeat(19), '0x' + 'ab'.repeat(21), '0xZZ' + '00'.repeat(19),
    'f39fd6e51aad88f6f4ce6ab8827279cfffb92266', '0xF39FD6E51AAD88F6F4CE6AB8827279CFFFB92266', 0, null, {}, [],
  ]);
}

function value(r: Rng, known: Hex[], depth = 0): unknown {
  const k = r.int(depth > 3 ? 12 : 16);
  switch (k) {
    case 0: return null;
    case 1: return r.bool();
    case 2: return r.pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER]);
    case 3: return r.pick(TAGS);
    case 4: return hugeHex(r);
    case 5: return '0x' + Buffer.from(r.bytes(r.int(80))).toString('hex');
    case 6: return r.pick(['', 'é', '💥', '\u0000', '\ud800', 'a'.repeat(100_000), '0x-1', '0x1.5', '1e3']);
    case 7: return address(r, known);
    case 8: return '0x' + Buffer.from(r.bytes(32)).toString('hex');
    case 9: return r.int(1000);
    case 10: return '0x' + r.int(1 << 20).toString(16);
    case 11: return r.pick(known);
    case 12: case 13: {
      const o: Record<string, unknown> = {};
      for (const f of ['from', 'to', 'data', 'input', 'gas', 'gasPrice', 'value', 'nonce', 'blockHash', 'fromBlock', 'toBlock', 'address', 'topics', 'args', 'read', 'stdin', 'blockNumber', '__proto__', 'constructor']) {
        if (r.bool(0.25)) o[f] = value(r, known, depth + 1);
      }
      return o;
    }
    default: return Array.from({ length: r.int(5) }, () => value(r, known, depth + 1));
  }
}

function request(r: Rng, known: Hex[], raws: Uint8Array[]): unknown {
  const method = r.bool(0.92) ? r.pick(METHODS) : r.pick<unknown>(['', 'eth_', 'ETH_BLOCKNUMBER', 'constructor', '__proto__', 'toString', 42, null, ['eth_chainId'], 'm'.repeat(10_000)]);
  let params: unknown;
  if (method === 'eth_sendRawTransaction' && r.bool(0.7)) params = ['0x' + Buffer.from(mutateTx(r.pick(raws), r)).toString('hex')];
  else if (method === 'eth_call' && r.bool(0.5)) params = [{ to: r.pick(known), data: '0x' + Buffer.from(encodeCall([r.pick(['balance', 'transfer', 'x', '']), JSON.stringify(value(r, known) ?? null).slice(0, 100)])).toString('hex'), gas: r.pick(['0x5f5e100', hugeHex(r)]) }, r.pick(TAGS)];
  else params = r.bool(0.85) ? Array.from({ length: r.int(4) }, () => value(r, known)) : value(r, known);
  const req: Record<string, unknown> = { jsonrpc: r.bool(0.95) ? '2.0' : r.pick<unknown>(['1.0', 2, null]), method, params };
  if (r.bool(0.9)) req.id = r.pick<unknown>([r.int(1e6), 'id-' + r.int(100), null, 1.5, { a: 1 }, [], 'é']);
  return req;
}

/** A request body: mostly JSON-RPC, sometimes not JSON at all. */
function body(r: Rng, known: Hex[], raws: Uint8Array[]): string | Uint8Array {
  const k = r.int(20);
  if (k === 0) return r.bytes(r.int(300));
  if (k === 1) return JSON.stringify(request(r, known, raws)).slice(0, r.int(200));
  if (k === 2) return '['.repeat(r.pick([100, 10_000, 100_000])) + ']'.repeat(r.int(2) ? 0 : 100);
  if (k === 3) return r.pick(['', 'null', '[]', '{}', '"x"', '1', 'true', '\ufeff{}', '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","method":"eth_blockNumber"}', '{"id":1e999,"method":"eth_chainId","jsonrpc":"2.0"}']);
  if (k === 4) return Uint8Array.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]);
  if (k < 7) {
    const n = r.bool(0.05) ? 2000 : r.int(30);
    return JSON.stringify(Array.from({ length: n }, () => request(r, known, raws)));
  }
  return JSON.stringify(request(r, known, raws));
}

/** Short description of a request body for a report: its methods, or its first bytes. */
function summary(b: string | Uint8Array): string {
  const text = typeof b === 'string' ? b : Buffer.from(b).toString('latin1');
  try {
    const j = JSON.parse(text) as unknown;
    const one = (x: unknown): string => (typeof x === 'object' && x !== null ? JSON.stringify(x).slice(0, 160) : String(x));
    return Array.isArray(j) ? `batch of ${j.length}: ${j.slice(0, 3).map(one).join(' ')}` : one(j);
  } catch {
    return JSON.stringify(text.slice(0, 120));
  }
}

/** Whether a parsed answer is a well-formed JSON-RPC response (or batch of them); internal errors counted. */
function check(x: unknown, t: Tally): string | null {
  const one = (o: unknown): string | null => {
    if (typeof o !== 'object' || o === null) return 'not an object';
    const m = o as { result?: unknown; error?: { code?: unknown; message?: unknown } };
    if ('error' in m && m.error !== undefined) {
      if (typeof m.error?.code !== 'number' || typeof m.error.message !== 'string') return 'malformed error';
      if (m.error.code === -32603) { t.add('internal errors'); return `internal error: ${m.error.message.slice(0, 200)}`; }
      if (m.error.message.includes('\n')) return `multi-line error message: ${m.error.message.slice(0, 200)}`;
      t.add('error answers');
      return null;
    }
    if (!('result' in m)) return 'neither result nor error';
    t.add('result answers');
    return null;
  };
  if (Array.isArray(x)) {
    for (const o of x) { const w = one(o); if (w) return w; }
    return null;
  }
  return one(x);
}

const SENTINEL = 'fuzz-ws-sentinel';

/** One WebSocket connection that can wait for whatever the node sends back. */
class FuzzSocket {
  private readonly inbox: string[] = [];
  private wake: (() => void) | null = null;
  closed = false;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (d) => { this.inbox.push(d.toString()); this.wake?.(); });
    ws.on('close', () => { this.closed = true; this.wake?.(); });
    ws.on('error', () => undefined);
  }

  static open(url: string): Promise<FuzzSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url.replace(/^http/, 'ws'));
      ws.once('open', () => resolve(new FuzzSocket(ws)));
      ws.once('error', reject);
    });
  }

  send(b: string | Uint8Array): void {
    this.ws.send(b, { binary: typeof b !== 'string' });
  }

  /** The answers up to the sentinel's, or null when the socket closed or HANG_MS passed first. */
  async untilSentinel(): Promise<string[] | null> {
    const deadline = performance.now() + HANG_MS;
    const got: string[] = [];
    for (;;) {
      while (this.inbox.length > 0) {
        const m = this.inbox.shift()!;
        if (m.includes(SENTINEL)) return got;
        got.push(m);
      }
      if (this.closed || performance.now() > deadline) return null;
      await new Promise<void>((res) => {
        this.wake = res;
        setTimeout(res, 200);
      });
      this.wake = null;
    }
  }

  close(): void {
    this.ws.terminate();
  }
}

/** The WebSocket phase: fuzz bodies as frames, each followed by a sentinel request. */
async function fuzzWebSocket(url: string, total: number, seed: number, t: Tally, known: Hex[], raws: Uint8Array[]): Promise<void> {
  let sock = await FuzzSocket.open(url);
  try {
    for (let i = 0; i < total; i++) {
      const ri = new Rng((seed * 1_000_033 + i * 104_729) >>> 0);
      // one frame in 200 is over the node's payload limit: the server must close just that socket
      const b = ri.int(200) === 0 ? '['.repeat(40 << 20) : body(ri, known, raws);
      sock.send(b);
      sock.send(JSON.stringify({ jsonrpc: '2.0', id: SENTINEL, method: 'eth_chainId' }));
      const answers = await sock.untilSentinel();
      t.add('ws frames');
      if (answers === null) {
        if (!sock.closed) { t.add('hangs'); t.fail(`ws frame ${i} got no answer in ${HANG_MS} ms: ${summary(b)}`); }
        else t.add('ws closed by the node');
        sock.close();
        sock = await FuzzSocket.open(url);
        continue;
      }
      for (const a of answers) {
        let parsed: unknown;
        try { parsed = JSON.parse(a); } catch { t.fail(`ws frame ${i}: answer is not JSON: ${a.slice(0, 200)}`); continue; }
        const why = check(parsed, t);
        if (why) t.fail(`ws frame ${i}: ${why} for ${summary(b)}`);
      }
    }
  } finally {
    sock.close();
  }
}

export const fuzzRpc = campaign(
  'fuzz-rpc',
  'malformed and adversarial JSON-RPC requests and batches against a node',
  { quick: 5_000, full: 100_000 },
  async (t, total, opts) => {
    const node = await startNode(['--in-memory']);
    const latencies: number[] = [];
    try {
      const token = example('token-c');
      const known: Hex[] = ['0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266'];
      if (token) {
        const rc = await sendAndWait(node.url, KEYS[0]!, { to: null, data: encodeDeploy(readFileSync(token), ['1000000']), gas: 50_000_000n });
        if (rc.contractAddress) known.push(rc.contractAddress, rc.transactionHash, rc.blockHash);
      }
      const { fuzzEnvelopeSeeds } = await import('./fuzz-envelope.js');
      const raws = await fuzzEnvelopeSeeds();
      let next = 0;
      const worker = async (): Promise<void> => {
        for (;;) {
          const i = next++;
          if (i >= total) return;
          // each request from its own seed: replayable whatever order the workers take them in
          const ri = new Rng((opts.seed * 1_000_003 + i * 7919) >>> 0);
          const b = body(ri, known, raws);
          const started = performance.now();
          let status: number, text: string, method: string;
          try {
            method = ri.bool(0.02) ? ri.pick(['GET', 'PUT', 'DELETE']) : 'POST';
            const res = await fetch(node.url, {
              method,
              headers: { 'content-type': ri.bool(0.97) ? 'application/json' : 'text/plain' },
              body: method === 'GET' ? undefined : typeof b === 'string' ? b : new Blob([Uint8Array.from(b).buffer as ArrayBuffer]),
              signal: AbortSignal.timeout(HANG_MS),
            });
            status = res.status;
            text = await res.text();
          } catch (e) {
            const ms = performance.now() - started;
            if (ms >= HANG_MS - 100) { t.add('hangs'); t.fail(`request ${i} hung (${Math.round(ms)} ms): ${summary(b)}`); }
            else if (node.proc.exitCode !== null || node.proc.signalCode !== null) { t.add('node crashes'); t.fail(`node died at request ${i}: ${summary(b)} ${node.output().slice(-300)}`); return; }
            else { t.add('connection errors'); t.fail(`request ${i}: ${(e as Error).message}`); }
            continue;
          }
          latencies.push(performance.now() - started);
          t.add('requests');
          if (status >= 500) { t.fail(`request ${i}: HTTP ${status} ${text.slice(0, 200)} for ${summary(b)}`); continue; }
          if (status >= 400) { t.add('http 4xx'); continue; }
          if (method !== 'POST') { t.add('other http methods'); continue; } // GET serves the explorer page
          if (text.length === 0) { t.add('no reply (notifications)'); continue; }
          let parsed: unknown;
          try { parsed = JSON.parse(text); } catch { t.fail(`request ${i}: answer is not JSON: ${text.slice(0, 200)}`); continue; }
          const why = check(parsed, t);
          if (why) t.fail(`request ${i}: ${why} for ${summary(b)}`);
          if ((i + 1) % 20_000 === 0) opts.log(`fuzz-rpc: ${i + 1}/${total}`);
        }
      };
      await Promise.all(Array.from({ length: WORKERS }, worker));
      await fuzzWebSocket(node.url, Math.ceil(total / 10), opts.seed, t, known, raws);
      opts.log(`fuzz-rpc: WebSocket phase done`);
      // still up, still answering, still the same chain
      const id = await rpc<Hex>(node.url, 'eth_chainId', []);
      if (id !== '0x539') t.fail(`eth_chainId after fuzzing: ${id}`);
    } finally {
      await node.stop();
    }
    const order = ['requests', 'ws frames', 'ws closed by the node', 'result answers', 'error answers', 'http 4xx',
      'internal errors', 'hangs', 'node crashes'];
    return t.result(order, [
      ['p50 ms', Math.round(percentile(latencies, 50))], ['p99 ms', Math.round(percentile(latencies, 99))],
    ]);
  },
);
