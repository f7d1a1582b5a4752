/**
 * Worker thread entry of the executor (executor.ts): runs the contract jobs it is sent, one at a
 * time, with its own per-program cache (warm across the jobs it runs), and posts each result back.
 */
import { parentPort } from 'node:worker_threads';
import { runJob, type VmJob } from './chain.js';

if (parentPort === null) throw new Error('exec-worker.js runs as a worker thread');
const port = parentPort;
/** Code received so far by its hash: the same buffer for every job, so its cache entry is found by identity. */
const codes = new Map<string, Uint8Array>();

port.on('message', (msg: { id: number; job: VmJob }) => {
  try {
    const key = msg.job.codeKey;
    if (key !== undefined) {
      const known = codes.get(key);
      if (known !== undefined) msg.job.input.code = known;
      else if (msg.job.input.code.length > 0) codes.set(key, msg.job.input.code);
      else throw new Error(`code ${key} was never sent to this worker`);
    }
    port.postMessage({ id: msg.id, result: runJob(msg.job) });
  } catch (e) {
    port.postMessage({ id: msg.id, error: (e as Error).message });
  }
});
