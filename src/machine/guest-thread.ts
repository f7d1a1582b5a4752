/** What every architecture's guest thread (X86Thread, RvThread) has: the run's shared state. */
import type { Memory } from '../mem/memory.js';
import type { Kernel } from '../kernel/kernel.js';
import type { LoopCpu } from './run-loop.js';

/** Shared by the threads of one run. */
export interface MachineState<C extends LoopCpu> {
  readonly kernel: Kernel;
  readonly mem: Memory;
  /** The CPU running now (its icount is the run's retired-instruction count). */
  cur: C;
}

export abstract class GuestThread<C extends LoopCpu> {
  constructor(
    readonly cpu: C,
    protected readonly m: MachineState<C>,
  ) {}

  get mem(): Memory {
    return this.m.mem;
  }

  /** Virtual time: every thread's instructions plus the time skipped while all slept. */
  virtualNanos(): number {
    return this.m.cur.icount + this.m.kernel.sleptNanos;
  }
}
