/**
 * The deterministic run loop, one for every architecture (x86-64 threads.ts, riscv64/threads.ts
 * give it their CPU through `ArchLoop`): wake threads whose timeout passed; keep running the
 * current thread until it blocks, yields, or has run its quantum while another thread is runnable;
 * then take the next runnable thread in tid order (round robin). When no thread can run, virtual
 * time jumps to the earliest deadline; when none has a deadline, the run ends: "deadlock". Signals
 * are delivered when a system call returns (the kernel does it) and before a thread runs a slice
 * (here). The gas meter is checked between slices.
 *
 * The retired-instruction counter travels with the running thread (`icount` is copied to the next
 * CPU on a switch), so it counts the instructions of all threads: it is the gas meter and, plus
 * the time skipped while every thread slept, virtual time.
 */
import { Stop } from '../cpu/x86_64/cpu.js';
import type { Memory } from '../mem/memory.js';
import type { Kernel } from '../kernel/kernel.js';
import type { KThread } from '../kernel/thread.js';
import { deliverSignals, hasDeliverable } from '../kernel/index.js';
import { GAS_PER_PAGE_TOUCHED } from './gas.js';
import { runEnd, type LoopStop, type ThreadsEnd } from './run-end.js';

export type { ThreadsEnd } from './run-end.js';

/** Instructions a thread runs before another runnable thread gets its turn. */
export const QUANTUM = 1 << 20;
/** Longest slice between checks of the gas meter. */
const SLICE = 1 << 22;
/** Idle steps (time jumps) in a row before the loop looks again for a thread to run. */
const MAX_IDLES = 100_000;

/** What the loop needs of a CPU: the retired-instruction count it carries. */
export interface LoopCpu {
  icount: number;
}

/**
 * One architecture's part of the loop. Called once per slice or system call, never per
 * instruction: the interpreter's own loop is the hot path.
 */
export interface ArchLoop<C extends LoopCpu> {
  /** The CPU of a kernel thread. */
  cpuOf(th: KThread): C;
  /** `cpu` (already carrying the run's icount) runs from now on: the interpreter switches to it. */
  switchTo(cpu: C): void;
  /** A blocking call finished: `'restart'` runs its instruction again, else `r` is its result. */
  resume(cpu: C, th: KThread, r: bigint | 'restart'): void;
  /** Runs the current CPU for at most `budget` instructions. */
  run(cpu: C, budget: number): Stop;
  /** After Stop.Syscall: makes the call and sets its result. */
  syscall(cpu: C, th: KThread): void;
  /** After Stop.Fault: the reason if it ends the run (the CPU's memory limit), else null once it is a signal. */
  fault(cpu: C, th: KThread): string | null;
  /** Where the CPU is, for the out-of-gas reason ("rip 0x401000"). */
  where(cpu: C): string;
}

/** Runs the program's threads (`main` first, its kernel thread `first`) until it exits, is killed, deadlocks or runs out of gas. */
export function runLoop<C extends LoopCpu>(kernel: Kernel, mem: Memory, main: C, first: KThread, gasLimit: number, arch: ArchLoop<C>): ThreadsEnd {
  const sched = kernel.sched;
  let cpu = main;
  let th = first;
  sched.retired = () => cpu.icount;
  let quantumEnd = cpu.icount + QUANTUM;
  const gasUsed = (): number => cpu.icount + kernel.gas + mem.touchedPagesTotal * GAS_PER_PAGE_TOUCHED;

  let ended: LoopStop | null = null;

  for (;;) {
    if (kernel.exited || kernel.killed) break;
    sched.tick();
    if (th.state !== 'runnable' || th.yielded || cpu.icount >= quantumEnd) {
      th.yielded = false;
      let next = sched.pick(th);
      // (a periodic timer whose signal wakes nobody must not skip time forever)
      for (let idles = 0; next === null && idles < MAX_IDLES; idles++) {
        if (!sched.idle()) break;
        next = sched.pick(th);
      }
      if (next === null) {
        kernel.end('deadlock', `deadlock: every thread is blocked forever (${sched.describeBlocked()})`);
        break;
      }
      if (next !== th) {
        const c = arch.cpuOf(next);
        c.icount = cpu.icount;
        cpu = c;
        th = next;
        arch.switchTo(c);
      }
      quantumEnd = cpu.icount + QUANTUM;
    }
    if (th.resume !== null) {
      const r = th.resume;
      th.resume = null;
      arch.resume(cpu, th, r);
    }
    if (hasDeliverable(kernel, th)) {
      deliverSignals(kernel, th);
      if (kernel.exited || kernel.killed) break;
    }

    const used = gasUsed();
    if (used >= gasLimit) {
      ended = { kind: 'out-of-gas', reason: `out of gas (limit ${gasLimit}) at ${arch.where(cpu)}` };
      break;
    }
    let budget = Math.min(SLICE, gasLimit - used);
    if (sched.runnableCount() > 1) budget = Math.min(budget, Math.max(1, quantumEnd - cpu.icount));
    const dl = sched.nextDeadline();
    if (dl !== null) budget = Math.min(budget, Math.max(1, dl - sched.now()));

    const stop = arch.run(cpu, budget);
    if (stop === Stop.Budget) continue;
    if (stop === Stop.Syscall) {
      arch.syscall(cpu, th);
      continue;
    }
    // Stop.Fault
    const limit = arch.fault(cpu, th);
    if (limit !== null) {
      ended = { kind: 'limit', reason: limit };
      break;
    }
  }
  return runEnd(kernel, ended, cpu.icount, Math.min(gasUsed(), gasLimit));
}
