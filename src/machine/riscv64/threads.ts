/**
 * The deterministic run loop for riscv64 programs: the same scheduling, gas and signal rules as
 * the x86-64 loop (../threads.ts: quantum, tid-order round robin, virtual time, deadlock), over
 * RvCpu threads. System calls: a7 = number, a0..a5 = arguments, a0 = result; a restarted call
 * runs its ecall again with its original a0.
 */
import { A0, A7, RvCpu } from '../../cpu/riscv64/cpu.js';
import { RvInterpreter } from '../../cpu/riscv64/interpreter.js';
import { Stop } from '../../cpu/x86_64/cpu.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { KThread } from '../../kernel/thread.js';
import { deliverSignals, forceSignal, hasDeliverable } from '../../kernel/index.js';
import { GAS_PER_PAGE_TOUCHED } from '../gas.js';
import { runEnd, type LoopStop, type ThreadsEnd } from '../run-end.js';
import { QUANTUM } from '../threads.js';
import { RvThread, type RvMachineState } from './thread.js';

const SLICE = 1 << 22;
const ECALL_LEN = 4;

/** riscv64 trap causes Linux reports for fault signals are not part of the frame: none needed. */
export function runRiscvThreads(kernel: Kernel, main: RvCpu, gasLimit: number): ThreadsEnd {
  const mem = main.mem;
  const m: RvMachineState = { kernel, mem, cur: main };
  const interp = new RvInterpreter(main);
  const sched = kernel.sched;
  sched.retired = () => m.cur.icount;
  let cpu = main;
  let rt = new RvThread(main, m);
  let th: KThread = kernel.thread(rt);
  let quantumEnd = cpu.icount + QUANTUM;
  const gasUsed = (): number => cpu.icount + kernel.gas + mem.touchedPagesTotal * GAS_PER_PAGE_TOUCHED;
  const args: bigint[] = [0n, 0n, 0n, 0n, 0n, 0n];

  let ended: LoopStop | null = null;

  for (;;) {
    if (kernel.exited || kernel.killed) break;
    sched.tick();
    if (th.state !== 'runnable' || th.yielded || cpu.icount >= quantumEnd) {
      th.yielded = false;
      let next = sched.pick(th);
      for (let idles = 0; next === null && idles < 100_000; idles++) {
        if (!sched.idle()) break;
        next = sched.pick(th);
      }
      if (next === null) {
        kernel.end('deadlock', `deadlock: every thread is blocked forever (${sched.describeBlocked()})`);
        break;
      }
      if (next !== th) {
        rt = next.ctx as RvThread;
        const c = rt.cpu;
        c.icount = cpu.icount;
        cpu = c;
        m.cur = c;
        interp.cpu = c;
        th = next;
        // the reservation rule: a thread switch between LR and SC makes the SC fail
        cpu.reservation = -1;
      }
      quantumEnd = cpu.icount + QUANTUM;
    }
    if (th.resume !== null) {
      const r = th.resume;
      th.resume = null;
      if (r === 'restart') {
        cpu.pc -= ECALL_LEN;
        cpu.xl[A0] = rt.origA0Lo;
        cpu.xh[A0] = rt.origA0Hi;
      } else cpu.setBig(A0, r);
    }
    if (hasDeliverable(kernel, th)) {
      deliverSignals(kernel, th);
      if (kernel.exited || kernel.killed) break;
    }

    const used = gasUsed();
    if (used >= gasLimit) {
      ended = { kind: 'out-of-gas', reason: `out of gas (limit ${gasLimit}) at pc 0x${cpu.pc.toString(16)}` };
      break;
    }
    let budget = Math.min(SLICE, gasLimit - used);
    if (sched.runnableCount() > 1) budget = Math.min(budget, Math.max(1, quantumEnd - cpu.icount));
    const dl = sched.nextDeadline();
    if (dl !== null) budget = Math.min(budget, Math.max(1, dl - sched.now()));

    cpu.extraNanos = kernel.sleptNanos;
    const stop = interp.run(budget);
    if (stop === Stop.Budget) continue;
    if (stop === Stop.Syscall) {
      rt.origA0Lo = cpu.xl[A0]!;
      rt.origA0Hi = cpu.xh[A0]!;
      for (let k = 0; k < 6; k++) args[k] = cpu.getBig(A0 + k);
      cpu.reservation = -1;
      rt.signalEntered = false;
      const result = kernel.syscall(cpu.xl[A7]! >>> 0, args, th.ctx);
      // a handler entered on the way back already has the result saved in its frame
      if (!rt.signalEntered) cpu.setBig(A0, result);
      continue;
    }
    if (interp.limitError) {
      ended = { kind: 'limit', reason: interp.limitError.message };
      break;
    }
    const fault = interp.fault;
    if (fault === null) continue;
    interp.fault = null;
    const sig = fault.signal;
    forceSignal(kernel, th, sig, { signo: sig, code: fault.code, addr: fault.faultAddr }, { trapno: 0, err: 0, addr: fault.faultAddr }, fault.reason);
  }
  return runEnd(kernel, ended, cpu.icount, Math.min(gasUsed(), gasLimit));
}
