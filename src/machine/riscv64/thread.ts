/**
 * A guest thread on the riscv64 CPU: the kernel's ThreadContext/ThreadOps over one RvCpu, and
 * Linux's riscv64 signal frame (struct rt_sigframe: siginfo, then a ucontext whose mcontext holds
 * pc, x1..x31 and the D-extension FP state f0..f31 + fcsr). Handlers return through a fixed
 * two-instruction trampoline page (`li a7, 139; ecall`), since QVM maps no vDSO.
 */
import { A0, A1, A2, RA, RvCpu, SP, TP } from '../../cpu/riscv64/cpu.js';
import type { SignalDelivery, SigReturn, ThreadContext, ThreadOps } from '../../kernel/types.js';
import { GuestThread, type MachineState } from '../guest-thread.js';
import { get64, put64, readStackT, signalStack, writeSiginfo, writeStackT } from '../signal-frame.js';

/** Address of the rt_sigreturn trampoline page (just above the mmap area, below the stack gap). */
export const SIGRETURN_TRAMPOLINE = 0x7ffff7fff000;
/** li a7, 139 (rt_sigreturn); ecall. */
export const TRAMPOLINE_CODE = Uint8Array.of(0x93, 0x08, 0xb0, 0x08, 0x73, 0x00, 0x00, 0x00);

// struct rt_sigframe (riscv64)
const SIGINFO = 0;
const UC = 128;
const UC_STACK = UC + 16;
const UC_SIGMASK = UC + 40;
const MC = UC + 176;
const MC_FP = MC + 256;
const MC_FCSR = MC_FP + 256;
const FRAME_SIZE = UC + 176 + 256 + 528;

/** State shared by the threads of one run. */
export type RvMachineState = MachineState<RvCpu>;

export class RvThread extends GuestThread<RvCpu> implements ThreadContext, ThreadOps {
  /** a0 as the current system call received it (restored when the call is restarted). */
  origA0Lo = 0;
  origA0Hi = 0;
  /** Set when a signal frame is pushed: a0 then holds the handler's first argument, not a result. */
  signalEntered = false;

  setThreadPointer(addr: number): void {
    this.cpu.setNumber(TP, addr);
  }

  getThreadPointer(): number {
    return this.cpu.getNumber(TP);
  }

  // riscv64 has no GS base: arch_prctl does not exist there
  setGsBase(): void {}

  getGsBase(): number {
    return 0;
  }

  setResult(v: bigint): void {
    this.cpu.setBig(A0, v);
  }

  stackPointer(): number {
    return this.cpu.getNumber(SP);
  }

  cloneThread(stack: number, tls: number | null): RvThread {
    const c = new RvCpu(this.cpu.mem);
    c.copyFrom(this.cpu);
    if (tls !== null) c.setNumber(TP, tls);
    c.setNumber(A0, 0);
    if (stack !== 0) c.setNumber(SP, stack);
    return new RvThread(c, this.m);
  }

  enterSignal(d: SignalDelivery): void {
    const cpu = this.cpu;
    const mem = this.m.mem;
    // riscv64 has no red zone
    const { top, onAlt } = signalStack(cpu.getNumber(SP), 0, d);
    const frame = top - FRAME_SIZE - ((top - FRAME_SIZE) % 16);
    if (frame < 0) throw new RangeError('signal frame below address 0');
    mem.checkWritable(frame, FRAME_SIZE);
    mem.write(frame, new Uint8Array(FRAME_SIZE));
    writeSiginfo(mem, frame + SIGINFO, d.info);
    writeStackT(mem, frame + UC_STACK, d, onAlt);
    put64(mem, frame + UC_SIGMASK, d.savedMask);
    put64(mem, frame + MC, cpu.pc);
    for (let r = 1; r < 32; r++) mem.write64(frame + MC + 8 * r, cpu.xl[r]!, cpu.xh[r]!);
    for (let r = 0; r < 32; r++) mem.write64(frame + MC_FP + 8 * r, cpu.fi[2 * r]!, cpu.fi[2 * r + 1]!);
    mem.write32(frame + MC_FCSR, (cpu.frm << 5) | cpu.fflags);

    cpu.setNumber(A0, d.sig);
    cpu.setNumber(A1, frame + SIGINFO);
    cpu.setNumber(A2, frame + UC);
    cpu.setNumber(SP, frame);
    cpu.setNumber(RA, SIGRETURN_TRAMPOLINE);
    cpu.pc = Number(BigInt.asUintN(64, d.handler));
    cpu.reservation = -1;
    this.signalEntered = true;
  }

  sigreturn(): SigReturn {
    const cpu = this.cpu;
    const mem = this.m.mem;
    const frame = cpu.getNumber(SP);
    mem.checkReadable(frame, FRAME_SIZE);
    const regs = mem.read(frame + MC, 256 + 256 + 4);
    const dv = new DataView(regs.buffer);
    const pc = Number(get64(mem, frame + MC));
    for (let r = 1; r < 32; r++) {
      cpu.xl[r] = dv.getInt32(8 * r, true);
      cpu.xh[r] = dv.getInt32(8 * r + 4, true);
    }
    for (let r = 0; r < 64; r++) cpu.fi[r] = dv.getInt32(256 + 4 * r, true);
    const fcsr = dv.getUint32(512, true);
    cpu.fflags = fcsr & 0x1f;
    cpu.frm = (fcsr >>> 5) & 7;
    cpu.pc = pc;
    cpu.reservation = -1;
    return {
      result: cpu.getBig(A0),
      mask: get64(mem, frame + UC_SIGMASK),
      altstack: readStackT(mem, frame + UC_STACK),
    };
  }
}
