/**
 * The node's JSON-RPC 2.0 server over HTTP and WebSocket (docs/chain.md): Ethereum's `eth_*` methods where they
 * fit, `qvm_*` for the rest. A bad request gets a JSON-RPC error object, never a crash.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { quantity, toHex, type Hex } from './bytes.js';
import { Chain, ChainError, type BlockHeader, type DryRunInput, type DryRunResult, type RpcLog, type StatePoint } from './chain.js';
import { ExecutionTimeout, type Executor } from './executor.js';
import { encodeCall } from './envelope.js';
import type { SignedTx } from './tx.js';
import { serveWeb } from './web-server.js';
import { address, hash32, hexBytes, invalid, qty, RpcError, type Params } from './rpc-params.js';
import type { DevAccount } from './dev.js';
import { Filters } from './filters.js';
import { METHODS } from './rpc-methods.js';
import { attachWebSocket } from './rpc-ws.js';
import { dryAnswer, dryArgs, dryCall, estimateFrom, OFFLOADED, qvmCallArgs, reverted } from './rpc-call.js';
import { dryRunResult } from './result-json.js';
import { invoke, type RpcHost } from './rpc-table.js';
import { reportInternalError } from '../errors.js';
import { WriteQueue } from './write-queue.js';

export { CLIENT_VERSION } from './rpc-eth.js';
/** Biggest HTTP body accepted: a transaction of maxTxBytes as hex, plus room. */
export const DEFAULT_MAX_REQUEST_BYTES = 20 * 1024 * 1024;
const MAX_BATCH = 1000;
const MAX_LOG_BLOCK_RANGE = 100_000;
const MAX_LOGS = 10_000;

export interface RpcOptions {
  host?: string;
  port?: number;
  /** Mine a block per transaction (default true). */
  automine?: boolean;
  maxRequestBytes?: number;
  /** Called after each block is mined. */
  onBlock?: (b: BlockHeader) => void;
  /**
   * Methods answered before the built-in ones (an L2 node adds qvm_syncStatus and replaces
   * eth_sendRawTransaction); a handler returning `undefined` passes to the built-in method.
   */
  methods?: Record<string, (params: unknown[]) => unknown>;
  /** Unlocked accounts (eth_accounts, eth_sendTransaction); default none. */
  devAccounts?: readonly DevAccount[];
  /**
   * Runs eth_call / eth_estimateGas off the RPC thread (executor.ts) with its wall-clock budget;
   * null or absent: on this thread.
   */
  executor?: Executor | null;
  /**
   * Runs the transactions of the blocks it mines off the RPC thread (an executor without a time
   * budget); the server keeps answering reads, which see the last committed block, meanwhile.
   * null or absent: blocks execute on this thread.
   */
  blockExecutor?: Executor | null;
  /** Gas limit of eth_call / eth_estimateGas at most (default: the block gas limit). */
  callGasCap?: bigint;
}

/**
 * Methods that change the chain otherwise than by pooling a transaction (the test controls, and
 * mining): with a block executor they wait in the write queue for the block being built.
 */
function isControl(method: string): boolean {
  return method.startsWith('evm_') || method.startsWith('anvil_') || method.startsWith('hardhat_') || method === 'qvm_mine';
}

function methodOf(r: unknown): string | null {
  const m = typeof r === 'object' && r !== null ? (r as { method?: unknown }).method : undefined;
  return typeof m === 'string' ? m : null;
}

function isPromise(v: unknown): v is Promise<unknown> {
  return v instanceof Promise;
}

function errorResponse(id: unknown, e: unknown): Record<string, unknown> {
  if (e instanceof RpcError || e instanceof ChainError) {
    return { jsonrpc: '2.0', id, error: { code: e.code, message: e.message, ...(e.data !== undefined ? { data: e.data } : {}) } };
  }
  if (e instanceof ExecutionTimeout) return { jsonrpc: '2.0', id, error: { code: -32000, message: e.message } };
  // the client gets one line; the node's log keeps the stack and causes
  reportInternalError('a JSON-RPC request', e);
  return { jsonrpc: '2.0', id, error: { code: -32603, message: `internal error: ${(e as Error).message}` } };
}

function idOf(r: unknown): unknown {
  const id = typeof r === 'object' && r !== null ? (r as { id?: unknown }).id : undefined;
  return id === undefined ? null : id;
}

/** JSON-RPC 2.0: a request without an id is a notification, which gets no reply. */
function isNotification(r: unknown): boolean {
  return typeof r === 'object' && r !== null && !Array.isArray(r) && !('id' in r) && typeof (r as { method?: unknown }).method === 'string';
}

export class RpcServer implements RpcHost {
  readonly server: Server;
  private timer: NodeJS.Timeout | null = null;
  automine: boolean;
  private readonly maxRequestBytes: number;
  readonly filters = new Filters();
  readonly devKeys: ReadonlyMap<Hex, Hex>;
  readonly impersonated = new Set<Hex>();
  autoImpersonate = false;
  readonly snapshots = new Map<string, StatePoint>();
  /** Listeners of new blocks and pooled transactions (WebSocket subscriptions, rpc-ws.ts). */
  readonly blockListeners = new Set<(b: BlockHeader) => void>();
  readonly pendingListeners = new Set<(hash: Hex) => void>();
  private readonly closeWebSocket: () => void;
  /** With a block executor: the order of writes (write-queue.ts). */
  private readonly writes = new WriteQueue();
  /** Set by acceptRaw when automine wants a block (with a block executor, mined after the request). */
  private mineWanted = false;

  constructor(readonly chain: Chain, private readonly opts: RpcOptions = {}) {
    this.automine = opts.automine ?? true;
    this.devKeys = new Map((opts.devAccounts ?? []).map((a) => [a.address, a.privateKey]));
    this.maxRequestBytes = opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    this.server = createServer((req, res) => this.onRequest(req, res));
    // clients keep connections open between requests; closing them early races with reuse
    this.server.keepAliveTimeout = 60_000;
    this.server.headersTimeout = 65_000;
    this.closeWebSocket = attachWebSocket(this, this.maxRequestBytes);
  }

  /** Starts listening; resolves with the port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 8545, this.opts.host ?? '127.0.0.1', () => {
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /**
   * Mines what the pool held at start (transactions accepted before a crash): with automine one
   * block per transaction, as they would have been.
   */
  minePending(): Promise<void> {
    if (!this.automine) return Promise.resolve();
    return this.writes.exclusive(async () => {
      for (let n = this.chain.poolSize(); n > 0; n = this.chain.poolSize()) {
        await this.mine(1);
        if (this.chain.poolSize() >= n) break; // what is left cannot be mined yet
      }
    });
  }

  /** Interval mining: a block (possibly empty) every `seconds`. */
  startInterval(seconds: number): void {
    this.timer = setInterval(() => {
      this.mineQueued().catch((e: unknown) => process.stderr.write(`qvm node: cannot mine: ${(e as Error).message}\n`));
    }, seconds * 1000);
  }

  close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.closeWebSocket();
    void this.opts.executor?.close();
    // a block still executing is abandoned, not committed: its transactions stay in the pool
    void this.opts.blockExecutor?.close();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /**
   * Mines a block and tells filters and subscriptions. With a block executor it runs there and
   * the caller must hold the write queue (a control method, or mineQueued).
   */
  mine(maxTxs = Infinity): BlockHeader | Promise<BlockHeader> {
    const exec = this.opts.blockExecutor;
    if (!exec) {
      const b = this.chain.mine(maxTxs);
      this.announceBlock(b);
      return b;
    }
    return this.chain.mineWith((job) => exec.run(job), maxTxs).then((b) => {
      this.announceBlock(b);
      return b;
    });
  }

  yieldToReads(): Promise<void> | null {
    return this.opts.blockExecutor ? new Promise((resolve) => setImmediate(resolve)) : null;
  }

  /** A block after every write queued so far. */
  mineQueued(): Promise<BlockHeader> {
    return this.writes.exclusive(() => this.mine());
  }

  /** Tells filters, subscriptions and onBlock of a new block (one mined elsewhere too: an L2 node's). */
  announceBlock(b: BlockHeader): void {
    this.filters.onBlock(b.hash);
    for (const l of this.blockListeners) l(b);
    this.opts.onBlock?.(b);
  }

  acceptRaw(raw: Uint8Array, impersonated?: Hex): Hex {
    const tx = this.chain.submit(raw, impersonated);
    this.filters.onPending(tx.hash);
    for (const l of this.pendingListeners) l(tx.hash);
    if (this.automine) {
      // inside a batch, the batch's transactions are mined together after it (handleBatch);
      // with a block executor, after the request (answerAsync)
      if (this.opts.blockExecutor) this.mineWanted = true;
      else if (this.batching > 0) this.mineAfterBatch = true;
      else void this.mine();
    }
    return tx.hash;
  }

  rolledBack(): void {
    this.filters.onRollback(this.chain.latest().number);
  }

  estimateGas(input: DryRunInput): bigint {
    const r = this.chain.dryRun(input);
    if (r.exec.failure) throw reverted(r.exec);
    return estimateFrom(this.chain, r);
  }

  get callGasCap(): bigint {
    return this.opts.callGasCap ?? this.chain.blockGasLimit;
  }


  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const send = (status: number, body: unknown): void => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(text);
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type' });
      res.end();
      return;
    }
    // a browser's GET gets the explorer and the playground (web-server.ts); JSON-RPC stays POST
    if ((req.method === 'GET' || req.method === 'HEAD') && serveWeb(req, res)) return;
    if (req.method !== 'POST') {
      send(405, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'JSON-RPC requests must be HTTP POST' } });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      if (tooBig) return;
      size += c.length;
      if (size > this.maxRequestBytes) {
        tooBig = true;
        send(413, { jsonrpc: '2.0', id: null, error: { code: -32600, message: `request too large (limit ${this.maxRequestBytes} bytes)` } });
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      if (tooBig) return;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        send(200, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error: the body is not JSON' } });
        return;
      }
      if (Array.isArray(body)) {
        if (body.length === 0 || body.length > MAX_BATCH) {
          send(200, { jsonrpc: '2.0', id: null, error: { code: -32600, message: `a batch must hold 1 to ${MAX_BATCH} requests` } });
          return;
        }
        const reply = (all: Array<Record<string, unknown> | null>): void => {
          const replies = all.filter((r) => r !== null);
          if (replies.length === 0) this.noReply(res);
          else send(200, replies);
        };
        void this.handleBatchAny(body).then(reply);
      } else if (this.opts.blockExecutor) {
        void this.handleAsync(body).then((out) => (out === null ? this.noReply(res) : send(200, out)));
      } else if (this.offloaded(body)) {
        void this.handleOffloaded(body).then((out) => (isNotification(body) ? this.noReply(res) : send(200, out)));
      } else {
        const reply = this.handle(body);
        if (reply === null) this.noReply(res);
        else send(200, reply);
      }
    });
  }

  /** JSON-RPC 2.0: a notification (a request without an id) gets no reply at all. */
  private noReply(res: ServerResponse): void {
    res.writeHead(204, { 'access-control-allow-origin': '*' });
    res.end();
  }

  /** Nesting depth of handleBatch: while > 0, automine waits for the end of the batch. */
  private batching = 0;
  private mineAfterBatch = false;

  /**
   * A batch of requests. With automine, the transactions it submits are mined together in one
   * block after the last request (anvil puts every waiting transaction into the next block);
   * transactions sent one request at a time still get one block each. Notifications: null.
   */
  handleBatch(batch: readonly unknown[]): Array<Record<string, unknown> | null> {
    this.batching++;
    let out: Array<Record<string, unknown> | null>;
    try {
      out = batch.map((r) => this.handle(r));
    } finally {
      this.batching--;
    }
    if (this.batching === 0 && this.mineAfterBatch) {
      this.mineAfterBatch = false;
      try {
        void this.mine();
      } catch (e) {
        process.stderr.write(`qvm node: cannot mine: ${(e as Error).message}\n`);
      }
    }
    return out;
  }

  /**
   * One request, with a block executor: a control method waits in the write queue; a pooled
   * transaction is answered once the automine block that includes it is committed; a read is
   * answered at once, from the last committed block. Null for a notification.
   */
  async handleAsync(r: unknown): Promise<Record<string, unknown> | null> {
    if (!this.opts.blockExecutor) return this.offloaded(r) ? (isNotification(r) ? null : await this.handleOffloaded(r)) : this.handle(r);
    const { reply, mine } = await this.answerOne(r);
    if (mine) {
      try {
        await this.automineRound();
      } catch (e) {
        return isNotification(r) ? null : errorResponse(reply.id ?? null, e);
      }
    }
    return isNotification(r) ? null : reply;
  }

  /** A batch (HTTP or WebSocket): off this thread with a block executor, else handleBatch. */
  handleBatchAny(batch: readonly unknown[]): Promise<Array<Record<string, unknown> | null>> {
    return this.opts.blockExecutor ? this.handleBatchAsync(batch) : Promise.resolve(this.handleBatch(batch));
  }

  /** handleBatch with a block executor: the requests in order, then one automine block for the transactions it pooled. */
  async handleBatchAsync(batch: readonly unknown[]): Promise<Array<Record<string, unknown> | null>> {
    const out: Array<Record<string, unknown> | null> = [];
    let mine = false;
    for (const r of batch) {
      const one = await this.answerOne(r);
      mine = one.mine || mine;
      out.push(isNotification(r) ? null : one.reply);
    }
    if (mine) await this.automineRound().catch((e: unknown) => process.stderr.write(`qvm node: cannot mine: ${(e as Error).message}\n`));
    return out;
  }

  /**
   * The reply to one request (notification or not), where it must run, and whether it pooled a
   * transaction that automine must mine (read in the same synchronous step as the answer, so no
   * other request's answer can take it).
   */
  private async answerOne(r: unknown): Promise<{ reply: Record<string, unknown>; mine: boolean }> {
    const method = methodOf(r);
    if (method !== null && this.offloaded(r)) return { reply: await this.handleOffloaded(r), mine: false };
    if (method !== null && isControl(method)) return { reply: await this.writes.exclusive(() => this.answerAsync(r)), mine: false };
    const filled = method === 'eth_sendTransaction' ? await this.withEstimatedGas(r) : { request: r };
    if ('error' in filled) return { reply: filled.error, mine: false };
    const reply = this.answer(filled.request);
    return { reply, mine: this.takeMineWanted() };
  }

  /**
   * eth_sendTransaction without `gas`: its estimate runs in the executor first (as eth_estimateGas
   * does), so that the request then signs and pools without running a contract here.
   */
  private async withEstimatedGas(r: unknown): Promise<{ request: unknown } | { error: Record<string, unknown> }> {
    const exec = this.opts.executor;
    const params = (r as { params?: unknown }).params;
    const t = Array.isArray(params) ? params[0] : undefined;
    if (!exec || typeof t !== 'object' || t === null || ((t as { gas?: unknown }).gas ?? null) !== null) return { request: r };
    let input: DryRunInput;
    try {
      const from = address((t as { from?: unknown }).from, 'from');
      // no key: the request itself answers that, before any estimate (as on the RPC thread)
      if (!this.devKeys.has(from) && !this.autoImpersonate && !this.impersonated.has(from)) return { request: r };
      input = this.dryInput({ ...t, from });
    } catch {
      return { request: r }; // the request itself reports what is wrong with it
    }
    try {
      const est = await this.chain.dryRunWith(input, (job) => exec.run(job));
      if (est.exec.failure) throw reverted(est.exec);
      const gas = quantity(estimateFrom(this.chain, est));
      return { request: { ...(r as object), params: [{ ...t, gas }, ...(params as unknown[]).slice(1)] } };
    } catch (e) {
      return { error: errorResponse(idOf(r), e) };
    }
  }

  private takeMineWanted(): boolean {
    const w = this.mineWanted;
    this.mineWanted = false;
    return w;
  }

  /** The automine block for what was pooled (shared by every submission made until it starts). */
  private automineRound(): Promise<void> {
    return this.writes.automine(async () => this.mine());
  }

  /** True if `body` is one request whose contract run goes to the executor. */
  private offloaded(body: unknown): boolean {
    if (!this.opts.executor || typeof body !== 'object' || body === null || Array.isArray(body)) return false;
    const m = (body as { method?: unknown }).method;
    return typeof m === 'string' && OFFLOADED.has(m);
  }

  /** handle() for an offloaded method: the contract runs in the executor while this thread serves others. */
  async handleOffloaded(r: unknown): Promise<Record<string, unknown>> {
    const obj = r as { id?: unknown; method: string; params?: unknown };
    const id = obj.id === undefined ? null : obj.id;
    try {
      const params = obj.params === undefined ? [] : obj.params;
      if (!Array.isArray(params)) throw new RpcError(-32602, 'params must be an array');
      const exec = this.opts.executor!;
      const run = (input: DryRunInput, atBlock: number | undefined): Promise<DryRunResult> => this.chain.dryRunWith(input, (job) => exec.run(job), atBlock);
      if (obj.method === 'qvm_call') return { jsonrpc: '2.0', id, result: dryRunResult(await run(...qvmCallArgs(params, this))) };
      const { input, atBlock } = dryCall(obj.method, dryArgs(obj.method, params, this), this);
      return { jsonrpc: '2.0', id, result: dryAnswer(obj.method, await run(input, atBlock), this) };
    } catch (e) {
      return errorResponse(id, e);
    }
  }

  /** One JSON-RPC request object → one response object, or null for a notification (run, not answered). */
  handle(r: unknown): Record<string, unknown> | null {
    const reply = this.answer(r);
    return isNotification(r) ? null : reply;
  }

  private answer(r: unknown): Record<string, unknown> {
    const id = idOf(r);
    try {
      const result = this.resultOf(r);
      if (isPromise(result)) throw new Error('a method that waits for a block was called without the write queue');
      return { jsonrpc: '2.0', id, result };
    } catch (e) {
      return errorResponse(id, e);
    }
  }

  /** answer, for a method whose result may come later (one that mines with a block executor). */
  private async answerAsync(r: unknown): Promise<Record<string, unknown>> {
    const id = idOf(r);
    try {
      return { jsonrpc: '2.0', id, result: await this.resultOf(r) };
    } catch (e) {
      return errorResponse(id, e);
    }
  }

  private resultOf(r: unknown): unknown {
    const obj = (typeof r === 'object' && r !== null ? r : {}) as { method?: unknown; params?: unknown };
    if (typeof obj.method !== 'string') throw new RpcError(-32600, 'invalid request: no method');
    const params = obj.params === undefined ? [] : obj.params;
    if (!Array.isArray(params)) throw new RpcError(-32602, 'params must be an array');
    const own = this.opts.methods?.[obj.method];
    const result = own ? own(params) : undefined;
    return result !== undefined ? result : this.call(obj.method, params);
  }

  blockNumberOf(tag: unknown): number {
    const head = this.chain.latest().number;
    if (tag === undefined || tag === 'latest' || tag === 'pending' || tag === 'safe' || tag === 'finalized') return head;
    if (tag === 'earliest') return 0;
    if (typeof tag === 'object' && tag !== null && 'blockNumber' in tag) return this.blockNumberOf((tag as { blockNumber: unknown }).blockNumber);
    if (typeof tag === 'object' && tag !== null && 'blockHash' in tag) {
      const b = this.chain.blockByHash(hash32((tag as { blockHash: unknown }).blockHash, 'blockHash'));
      if (!b) throw new RpcError(-32001, 'unknown block hash');
      return b.number;
    }
    const n = qty(tag, 'block number');
    return n > BigInt(head) ? head + 1 : Number(n);
  }

  blockJson(b: BlockHeader, full: boolean): Record<string, unknown> {
    return {
      number: quantity(b.number),
      hash: b.hash,
      parentHash: b.parentHash,
      nonce: '0x0000000000000000',
      mixHash: '0x' + '00'.repeat(32),
      sha3Uncles: '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347',
      logsBloom: b.logsBloom,
      transactionsRoot: b.transactionsRoot,
      stateRoot: b.stateRoot,
      receiptsRoot: b.receiptsRoot,
      miner: '0x' + '00'.repeat(20),
      difficulty: '0x0',
      totalDifficulty: '0x0',
      extraData: '0x',
      size: quantity(600 + b.transactions.length * 32),
      gasLimit: quantity(BigInt(b.gasLimit)),
      gasUsed: quantity(BigInt(b.gasUsed)),
      timestamp: quantity(BigInt(b.timestamp)),
      baseFeePerGas: quantity(BigInt(b.baseFeePerGas)),
      transactions: full
        ? b.transactions.map((h, i) => {
          const t = this.chain.transaction(h);
          return t ? this.txJson(t.tx, b, i) : { hash: h, blockHash: b.hash, blockNumber: quantity(b.number), transactionIndex: quantity(i) };
        })
        : b.transactions,
      uncles: [],
      withdrawals: [],
      withdrawalsRoot: '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421',
    };
  }

  txJson(tx: SignedTx, b: BlockHeader | null, index: number | null): Record<string, unknown> {
    const base = BigInt(b?.baseFeePerGas ?? this.chain.baseFeePerGas);
    const tip = tx.maxFeePerGas - base;
    const effective = base + (tx.maxPriorityFeePerGas < tip ? tx.maxPriorityFeePerGas : tip);
    const out: Record<string, unknown> = {
      hash: tx.hash,
      type: quantity(tx.type),
      nonce: quantity(tx.nonce),
      blockHash: b?.hash ?? null,
      blockNumber: b ? quantity(b.number) : null,
      transactionIndex: index === null ? null : quantity(index),
      from: tx.from,
      to: tx.to,
      value: quantity(tx.value),
      gas: quantity(tx.gasLimit),
      gasPrice: quantity(tx.type === 2 ? (b ? effective : tx.maxFeePerGas) : tx.maxFeePerGas),
      input: toHex(tx.data),
      v: quantity(tx.v),
      r: quantity(tx.r),
      s: quantity(tx.s),
    };
    if (tx.chainId !== undefined) out.chainId = quantity(tx.chainId);
    if (tx.type !== 0) {
      out.accessList = tx.accessList;
      out.yParity = quantity(tx.yParity);
    }
    if (tx.type === 2) {
      out.maxFeePerGas = quantity(tx.maxFeePerGas);
      out.maxPriorityFeePerGas = quantity(tx.maxPriorityFeePerGas);
    }
    return out;
  }

  /** A call object of eth_call / eth_estimateGas / qvm_call. */
  dryInput(v: unknown): DryRunInput {
    if (typeof v !== 'object' || v === null) throw invalid('the call must be an object');
    const o = v as Record<string, unknown>;
    let data: Uint8Array;
    if (o.args !== undefined || o.read !== undefined || o.stdin !== undefined) {
      if (!Array.isArray(o.args) || !o.args.every((a) => typeof a === 'string')) throw invalid('args must be an array of strings');
      const read = o.read ?? [];
      if (!Array.isArray(read) || !read.every((a) => typeof a === 'string')) throw invalid('read must be an array of strings');
      data = encodeCall(o.args as string[], read as string[], o.stdin === undefined ? new Uint8Array(0) : hexBytes(o.stdin, 'stdin'));
    } else {
      const d = o.input ?? o.data;
      data = d === undefined || d === null ? new Uint8Array(0) : hexBytes(d, 'data');
    }
    return {
      from: o.from === undefined || o.from === null ? undefined : address(o.from, 'from'),
      to: o.to === undefined || o.to === null ? null : address(o.to, 'to'),
      value: o.value === undefined || o.value === null ? undefined : qty(o.value, 'value'),
      gas: o.gas === undefined || o.gas === null ? undefined : qty(o.gas, 'gas'),
      data,
    };
  }

  private call(name: string, params: Params): unknown {
    const m = Object.hasOwn(METHODS, name) ? METHODS[name] : undefined;
    if (!m) throw new RpcError(-32601, `method ${name} is not supported`);
    return invoke(name, m, params, this);
  }

  getLogs(f: unknown): RpcLog[] {
    if (typeof f !== 'object' || f === null) throw invalid('the filter must be an object');
    const o = f as Record<string, unknown>;
    const head = this.chain.latest().number;
    let from: number, to: number;
    if (o.blockHash !== undefined) {
      const b = this.chain.blockByHash(hash32(o.blockHash, 'blockHash'));
      if (!b) throw new RpcError(-32000, 'unknown block');
      from = to = b.number;
    } else {
      from = o.fromBlock === undefined ? head : this.blockNumberOf(o.fromBlock);
      to = o.toBlock === undefined ? head : this.blockNumberOf(o.toBlock);
    }
    to = Math.min(to, head);
    if (from > to) return [];
    if (to - from > MAX_LOG_BLOCK_RANGE) throw new RpcError(-32005, `block range too large (limit ${MAX_LOG_BLOCK_RANGE} blocks)`);
    let addresses: Hex[] | null = null;
    if (o.address !== undefined && o.address !== null) {
      addresses = (Array.isArray(o.address) ? o.address : [o.address]).map((a) => address(a, 'address'));
    }
    let topic0: Hex[] | null = null;
    if (o.topics !== undefined && o.topics !== null) {
      if (!Array.isArray(o.topics)) throw invalid('topics must be an array');
      // QVM logs have one topic: a filter on topics[1..] matches nothing
      if (o.topics.slice(1).some((t) => t !== null && !(Array.isArray(t) && t.length === 0))) return [];
      const t0 = o.topics[0];
      if (t0 !== undefined && t0 !== null) topic0 = (Array.isArray(t0) ? t0 : [t0]).map((t) => hash32(t, 'topic'));
    }
    if ((addresses && addresses.length === 0) || (topic0 && topic0.length === 0)) return [];
    return this.chain.logs({ fromBlock: from, toBlock: to, addresses, topic0, limit: MAX_LOGS });
  }
}
