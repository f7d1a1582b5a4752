/**
 * Block building as steps: the code that builds a block is a generator that yields each contract
 * run it needs and gets the run's result back. The same generator is driven here on this thread
 * (runHere) or with the runs made elsewhere, in a worker (runWith), so both ways execute the very
 * same code in the same order and give the same block.
 */
import type { CallResult } from '../contract/index.js';
import type { VmJob } from './chain.js';
import { defineError, QvmError } from '../errors.js';

export type Steps<T> = Generator<VmJob, T, CallResult>;

/** Thrown by an executor that can no longer run jobs (the node is stopping): the block is abandoned, not sealed. */
export class StepsAbandoned extends QvmError {}
defineError(StepsAbandoned, 'StepsAbandoned', 'STEPS_ABANDONED');

export function runHere<T>(g: Steps<T>, run: (job: VmJob) => CallResult): T {
  let s = g.next();
  while (!s.done) {
    let result: CallResult;
    try {
      result = run(s.value);
    } catch (e) {
      s = g.throw(e);
      continue;
    }
    s = g.next(result);
  }
  return s.value;
}

export async function runWith<T>(g: Steps<T>, exec: (job: VmJob) => Promise<CallResult>): Promise<T> {
  let s = g.next();
  while (!s.done) {
    let result: CallResult;
    try {
      result = await exec(s.value);
    } catch (e) {
      if (e instanceof StepsAbandoned) {
        g.return(undefined as T);
        throw e;
      }
      s = g.throw(e);
      continue;
    }
    s = g.next(result);
  }
  return s.value;
}
