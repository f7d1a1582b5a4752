/**
 * Contract runs off the JSON-RPC thread: a worker thread executes the jobs it is given (the dry
 * runs of eth_call and eth_estimateGas; in another executor, the transactions of the block being
 * built), so the server keeps answering while a long run goes on. Jobs run one after another in
 * arrival order.
 *
 * A dry-run executor has a wall-clock budget per job: a job that exceeds it is stopped by ending
 * its worker (a new one starts for the next job) and fails with a clear error. Dry runs are not
 * consensus, so a budget in host time is fine for them; a block's executor has none (timeoutMs
 * null), since a transaction's only limit is its gas.
 */
import { Worker } from 'node:worker_threads';
import type { CallResult } from '../contract/index.js';
import type { VmJob } from './chain.js';
import { defineError, QvmError } from '../errors.js';
import { StepsAbandoned } from './steps.js';

/** Default wall-clock budget of one eth_call / eth_estimateGas run (geth's RPC EVM timeout). */
export const DEFAULT_CALL_TIMEOUT_MS = 5_000;

/** An eth_call / eth_estimateGas run that took longer than its wall-clock budget. */
export class ExecutionTimeout extends QvmError {}
defineError(ExecutionTimeout, 'ExecutionTimeout', 'EXECUTION_TIMEOUT');

interface Pending {
  id: number;
  job: VmJob;
  resolve: (r: CallResult) => void;
  reject: (e: Error) => void;
}

export class Executor {
  private worker: Worker | null = null;
  private readonly queue: Pending[] = [];
  private running: Pending | null = null;
  private timer: NodeJS.Timeout | null = null;
  private nextId = 1;
  private closed = false;
  /** Code hashes the current worker holds (it keeps the bytes; later jobs send none). */
  private sent = new Set<string>();

  /** `timeoutMs` null: no wall-clock budget (a block's transactions). */
  constructor(readonly timeoutMs: number | null = DEFAULT_CALL_TIMEOUT_MS) {
    if (timeoutMs !== null && !(timeoutMs > 0)) throw new RangeError(`the call time budget must be positive, got ${timeoutMs}`);
  }

  run(job: VmJob): Promise<CallResult> {
    if (this.closed) return Promise.reject(new StepsAbandoned('the executor is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, job, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new StepsAbandoned('the node is shutting down'));
    this.finish();
    this.running?.reject(new StepsAbandoned('the node is shutting down'));
    this.running = null;
    const w = this.worker;
    this.worker = null;
    if (w !== null) await w.terminate();
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./exec-worker.js', import.meta.url));
    this.sent = new Set();
    w.on('message', (m: { id: number; result?: CallResult; error?: string }) => {
      const p = this.running;
      if (p === null || p.id !== m.id) return;
      this.finish();
      this.running = null;
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.result!);
      this.pump();
    });
    w.on('error', (e) => this.lost(w, e));
    w.on('exit', () => this.lost(w, new Error('the execution worker stopped')));
    // an idle worker does not keep the process alive; one running a job does (pump)
    w.unref();
    return w;
  }

  /** The worker died under a job (it threw outside the job, or ran out of memory). */
  private lost(w: Worker, e: Error): void {
    if (this.worker !== w) return;
    this.worker = null;
    const p = this.running;
    this.running = null;
    this.finish();
    p?.reject(e);
    this.pump();
  }

  private pump(): void {
    if (this.running !== null || this.closed) return;
    const p = this.queue.shift();
    if (p === undefined) {
      this.worker?.unref();
      return;
    }
    this.worker ??= this.spawn();
    this.running = p;
    const w = this.worker;
    const budget = this.timeoutMs;
    if (budget !== null) this.timer = setTimeout(() => {
      if (this.running !== p) return;
      this.running = null;
      this.timer = null;
      this.worker = null;
      void w.terminate();
      p.reject(new ExecutionTimeout(`execution stopped: it ran longer than the ${budget} ms budget of a call (qvm node --call-timeout)`));
      this.pump();
    }, budget);
    const key = p.job.codeKey;
    let job = p.job;
    if (key !== undefined) {
      if (this.sent.has(key)) job = { ...job, input: { ...job.input, code: new Uint8Array(0) } };
      else this.sent.add(key);
    }
    w.ref();
    w.postMessage({ id: p.id, job });
  }

  private finish(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
