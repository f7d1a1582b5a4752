/**
 * riscv64 programs in the deterministic run loop (../run-loop.ts, shared with x86-64: quantum,
 * tid-order round robin, virtual time, deadlock), over RvCpu threads. System calls: a7 = number,
 * a0..a5 = arguments, a0 = result; a restarted call runs its ecall again with its original a0.
 */
import { A0, A7, type RvCpu } from '../../cpu/riscv64/cpu.js';
import { RvInterpreter } from '../../cpu/riscv64/interpreter.js';
import type { Kernel } from '../../kernel/kernel.js';
import { forceSignal } from '../../kernel/index.js';
import { runLoop, type ArchLoop, type ThreadsEnd } from '../run-loop.js';
import { RvThread, type RvMachineState } from './thread.js';

const ECALL_LEN = 4;

/** The riscv64 part of the run loop (run-loop.ts). Fault signals carry no trap number: riscv64's frame has none. */
function riscvLoop(kernel: Kernel, m: RvMachineState, interp: RvInterpreter): ArchLoop<RvCpu> {
  const args: bigint[] = [0n, 0n, 0n, 0n, 0n, 0n];
  return {
    cpuOf: (th) => (th.ctx as RvThread).cpu,
    switchTo(c) {
      m.cur = c;
      interp.cpu = c;
      // the reservation rule: a thread switch between LR and SC makes the SC fail
      c.reservation = -1;
    },
    resume(cpu, th, r) {
      if (r === 'restart') {
        const rt = th.ctx as RvThread;
        cpu.pc -= ECALL_LEN;
        cpu.xl[A0] = rt.origA0Lo;
        cpu.xh[A0] = rt.origA0Hi;
      } else cpu.setBig(A0, r);
    },
    run(cpu, budget) {
      cpu.extraNanos = kernel.sleptNanos;
      return interp.run(budget);
    },
    syscall(cpu, th) {
      const rt = th.ctx as RvThread;
      rt.origA0Lo = cpu.xl[A0]!;
      rt.origA0Hi = cpu.xh[A0]!;
      for (let k = 0; k < 6; k++) args[k] = cpu.getBig(A0 + k);
      cpu.reservation = -1;
      rt.signalEntered = false;
      const result = kernel.syscall(cpu.xl[A7]! >>> 0, args, th.ctx);
      // a handler entered on the way back already has the result saved in its frame
      if (!rt.signalEntered) cpu.setBig(A0, result);
    },
    fault(_cpu, th) {
      if (interp.limitError) return interp.limitError.message;
      const fault = interp.fault;
      if (fault === null) return null;
      interp.fault = null;
      const sig = fault.signal;
      forceSignal(kernel, th, sig, { signo: sig, code: fault.code, addr: fault.faultAddr }, { trapno: 0, err: 0, addr: fault.faultAddr }, fault.reason);
      return null;
    },
    where: (cpu) => `pc 0x${cpu.pc.toString(16)}`,
  };
}

export function runRiscvThreads(kernel: Kernel, main: RvCpu, gasLimit: number): ThreadsEnd {
  const m: RvMachineState = { kernel, mem: main.mem, cur: main };
  const interp = new RvInterpreter(main);
  const first = kernel.thread(new RvThread(main, m));
  return runLoop(kernel, main.mem, main, first, gasLimit, riscvLoop(kernel, m, interp));
}
