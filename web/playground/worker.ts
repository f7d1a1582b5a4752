/**
 * The playground's engine, in a Web Worker: the page stays responsive during a run and can stop
 * it (by ending the worker). One message in (a plain run or a contract call), one message out.
 */
import { runElf } from '../../src/machine/run.js';
import type { RunOptions, RunResult } from '../../src/machine/types.js';
import { runCall, type CallInput, type CallResult } from '../../src/contract/call.js';

export type EngineRequest = { kind: 'run'; bytes: Uint8Array; opts: RunOptions } | { kind: 'call'; input: CallInput };
export type EngineReply = { ok: true; run?: RunResult; call?: CallResult } | { ok: false; error: string };

const post = (m: EngineReply): void => (self as unknown as { postMessage(m: EngineReply): void }).postMessage(m);

self.onmessage = (e: MessageEvent<EngineRequest>): void => {
  const req = e.data;
  try {
    if (req.kind === 'run') post({ ok: true, run: runElf(req.bytes, req.opts) });
    else post({ ok: true, call: runCall(req.input) });
  } catch (err) {
    post({ ok: false, error: (err as Error).message });
  }
};
