/**
 * The end of the run loop (run-loop.ts, for every architecture): the typed outcome, and
 * the exit status and signal of RunResult derived from it.
 */
import type { Kernel, RunOutcome } from '../kernel/index.js';

/** Exit status of a run the loop itself stopped (gas, the CPU's memory limit): as if SIGKILLed. */
const LOOP_STOP_STATUS = 137;
/** Exit status of a run the VM ended without a signal (kernel limits, deadlock, protocol). */
const VM_END_STATUS = 1;

/** A stop the run loop decides on its own, outside the kernel. */
export type LoopStop = Extract<RunOutcome, { kind: 'out-of-gas' | 'limit' }>;

export interface ThreadsEnd {
  outcome: RunOutcome;
  exitCode: number;
  signal: number | null;
  reason: string | null;
  /** Instructions retired by all threads. */
  instructions: number;
  gasUsed: number;
}

/** How the run ended: the loop's own stop, else the kernel's exit or kill. */
export function runEnd(kernel: Kernel, stop: LoopStop | null, instructions: number, gasUsed: number): ThreadsEnd {
  if (stop !== null) return { outcome: stop, exitCode: LOOP_STOP_STATUS, signal: null, reason: stop.reason, instructions, gasUsed };
  const killed = kernel.killed;
  if (kernel.exited || killed === null) {
    const status = kernel.exited ? kernel.exited.status & 0xff : 0;
    return { outcome: { kind: 'exit', status }, exitCode: status, signal: null, reason: null, instructions, gasUsed };
  }
  const { kind, reason } = killed;
  const sig = killed.signal || null;
  const outcome: RunOutcome = kind === 'signal' ? { kind, signal: killed.signal, reason } : { kind, reason };
  return { outcome, exitCode: sig ? 128 + sig : VM_END_STATUS, signal: sig, reason, instructions, gasUsed };
}
