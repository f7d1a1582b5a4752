/**
 * Guest threads on the x86-64 CPU, and their part of the deterministic run loop (run-loop.ts).
 *
 * Every guest thread has its own `Cpu` (registers, flags, SSE and x87 state); all of them share
 * one Memory and one Interpreter (one code cache): the interpreter's `cpu` is switched between
 * slices. The run's retired-instruction count (the gas meter, `rdtsc`, virtual time) is the running
 * Cpu's `icount`, which the loop carries from thread to thread.
 *
 * This file also builds Linux's x86-64 signal frame (struct rt_sigframe: return address,
 * ucontext with the general registers, siginfo, and a pointer to an FXSAVE-format FP area) and
 * restores from it in rt_sigreturn, so handlers can read and change the interrupted context.
 */
import { Cpu, RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, DF } from '../cpu/x86_64/cpu.js';
import { Interpreter } from '../cpu/x86_64/interpreter.js';
import type { SharedCode } from '../cpu/x86_64/code-cache.js';
import type { Insn } from '../cpu/x86_64/insn.js';
import type { Kernel } from '../kernel/kernel.js';
import type { KThread } from '../kernel/thread.js';
import type { SignalDelivery, SigReturn, ThreadContext, ThreadOps } from '../kernel/types.js';
import { forceSignal, SEGV_ACCERR, SI_KERNEL, SIGFPE, SIGILL, SIGSEGV, SIGTRAP } from '../kernel/index.js';
import { GuestThread, type MachineState } from './guest-thread.js';
import { get64, put64, readStackT, signalStack, writeSiginfo, writeStackT } from './signal-frame.js';
import { runLoop, type ArchLoop, type ThreadsEnd } from './run-loop.js';

export { QUANTUM, type ThreadsEnd } from './run-loop.js';

const R8 = 8, R9 = 9, R10 = 10;
/** Bytes below RSP a leaf function may use without moving it (the System V ABI's red zone). */
const RED_ZONE = 128;

// Offsets in struct rt_sigframe (x86-64).
const FRAME_SIZE = 440;
const UC = 8; // struct ucontext
const UC_STACK = UC + 16;
const MC = UC + 40; // struct sigcontext
const UC_SIGMASK = UC + 296;
const SIGINFO = 312;
const FP_SIZE = 512;
/** sigcontext register slots: r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp. */
const SC_REGS = [R8, R9, R10, 11, 12, 13, 14, 15, RDI, RSI, RBP, RBX, RDX, RAX, RCX, RSP];
const SC_RIP = 128, SC_EFLAGS = 136, SC_CSGSFS = 144, SC_ERR = 152, SC_TRAPNO = 160, SC_OLDMASK = 168, SC_CR2 = 176, SC_FPSTATE = 184;
const UC_SIGCONTEXT_SS = 2, UC_STRICT_RESTORE_SS = 4;
const MXCSR_MASK = 0xffff;

function alignDown(v: number, a: number): number {
  return v - (v % a);
}

/** An FXSAVE image of the Cpu's x87 and SSE state. */
function fxImage(cpu: Cpu): Uint8Array {
  const area = new Uint8Array(FP_SIZE);
  cpu.x87.fxsave(area);
  const dv = new DataView(area.buffer);
  dv.setUint32(24, cpu.mxcsr, true);
  dv.setUint32(28, MXCSR_MASK, true);
  for (let i = 0; i < 64; i++) dv.setUint32(160 + 4 * i, cpu.xmm[i]!, true);
  return area;
}

function fxLoad(cpu: Cpu, area: Uint8Array): void {
  const dv = new DataView(area.buffer, area.byteOffset, area.byteLength);
  cpu.x87.fxrstor(area);
  cpu.mxcsr = dv.getUint32(24, true) & MXCSR_MASK;
  for (let i = 0; i < 64; i++) cpu.xmm[i] = dv.getUint32(160 + 4 * i, true);
}

/** The FP state a signal handler starts with (Linux resets it): x87 and MXCSR defaults, XMM zero. */
function fpInit(cpu: Cpu): void {
  cpu.x87.reset();
  cpu.mxcsr = 0x1f80;
  cpu.xmm.fill(0);
}

export class X86Thread extends GuestThread<Cpu> implements ThreadContext, ThreadOps {
  setThreadPointer(addr: number): void {
    this.cpu.fsBase = addr;
  }

  getThreadPointer(): number {
    return this.cpu.fsBase;
  }

  setGsBase(addr: number): void {
    this.cpu.gsBase = addr;
  }

  getGsBase(): number {
    return this.cpu.gsBase;
  }

  setResult(v: bigint): void {
    this.cpu.setReg64(RAX, BigInt.asUintN(64, v));
  }

  stackPointer(): number {
    return this.cpu.getReg64Number(RSP);
  }

  cloneThread(stack: number, tls: number | null): X86Thread {
    const p = this.cpu;
    const c = new Cpu(p.mem);
    c.lo.set(p.lo);
    c.hi.set(p.hi);
    c.rip = p.rip;
    c.fsBase = tls ?? p.fsBase;
    c.gsBase = p.gsBase;
    c.setRflags(p.getRflags());
    fxLoad(c, fxImage(p));
    c.icount = p.icount;
    c.setReg64Number(RAX, 0);
    if (stack !== 0) c.setReg64Number(RSP, stack);
    return new X86Thread(c, this.m);
  }

  enterSignal(d: SignalDelivery): void {
    const cpu = this.cpu;
    const mem = this.m.mem;
    const { top, onAlt } = signalStack(cpu.getReg64Number(RSP), RED_ZONE, d);
    const fp = alignDown(top - FP_SIZE, 64);
    const frame = alignDown(fp - FRAME_SIZE + 8, 16) - 8;
    if (frame < 0) throw new RangeError('signal frame below address 0');

    // check the whole frame first, so a bad stack changes nothing
    mem.checkWritable(frame, fp + FP_SIZE - frame);
    mem.write(fp, fxImage(cpu));
    mem.write(frame, new Uint8Array(FRAME_SIZE));
    put64(mem, frame, d.restorer);
    put64(mem, frame + UC, UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS);
    writeStackT(mem, frame + UC_STACK, d, onAlt);
    for (let i = 0; i < 16; i++) {
      const r = SC_REGS[i]!;
      mem.write64(frame + MC + 8 * i, cpu.lo[r]!, cpu.hi[r]!);
    }
    put64(mem, frame + MC + SC_RIP, cpu.rip);
    put64(mem, frame + MC + SC_EFLAGS, cpu.getRflags());
    mem.write16(frame + MC + SC_CSGSFS, 0x33); // cs; gs, fs 0
    mem.write16(frame + MC + SC_CSGSFS + 6, 0x2b); // ss
    if (d.trap) {
      put64(mem, frame + MC + SC_ERR, d.trap.err);
      put64(mem, frame + MC + SC_TRAPNO, d.trap.trapno);
      put64(mem, frame + MC + SC_CR2, d.trap.addr);
    }
    put64(mem, frame + MC + SC_OLDMASK, d.savedMask & 0xffffffffn);
    put64(mem, frame + MC + SC_FPSTATE, fp);
    put64(mem, frame + UC_SIGMASK, d.savedMask);
    const si = frame + SIGINFO;
    writeSiginfo(mem, si, d.info);

    cpu.setReg64Number(RDI, d.sig);
    cpu.setReg64Number(RSI, si);
    cpu.setReg64Number(RDX, frame + UC);
    cpu.setReg64Number(RAX, 0);
    cpu.setReg64Number(RSP, frame);
    cpu.rip = Number(BigInt.asUintN(64, d.handler));
    cpu.setRflags(cpu.getRflags() & ~DF);
    fpInit(cpu);
  }

  sigreturn(): SigReturn {
    const cpu = this.cpu;
    const mem = this.m.mem;
    const frame = cpu.getReg64Number(RSP) - 8;
    mem.checkReadable(frame, FRAME_SIZE);
    const lo = new Uint32Array(16);
    const hi = new Uint32Array(16);
    for (let i = 0; i < 16; i++) {
      const r = SC_REGS[i]!;
      lo[r] = mem.read32(frame + MC + 8 * i);
      hi[r] = mem.read32(frame + MC + 8 * i + 4);
    }
    const rip = Number(get64(mem, frame + MC + SC_RIP));
    const flags = mem.read32(frame + MC + SC_EFLAGS);
    const fp = Number(get64(mem, frame + MC + SC_FPSTATE));
    const mask = get64(mem, frame + UC_SIGMASK);
    const altstack = readStackT(mem, frame + UC_STACK);
    const fpArea = fp !== 0 ? mem.read(fp, FP_SIZE) : null;
    cpu.lo.set(lo);
    cpu.hi.set(hi);
    cpu.rip = rip;
    cpu.setRflags(flags);
    if (fpArea) fxLoad(cpu, fpArea);
    else fpInit(cpu);
    return { result: (BigInt(hi[RAX]!) << 32n) | BigInt(lo[RAX]!), mask, altstack };
  }
}

/** Observers of a run (the gas profiler), called on slow paths only: decoding, thread switches. */
export interface RunHooks {
  /** A newly decoded instruction, before its first execution. */
  decoded(insn: Insn): void;
  /** `cpu`'s thread runs from now on (its icount is the run's count at the switch). */
  switched(cpu: Cpu): void;
}

function reg(cpu: Cpu, r: number): bigint {
  return (BigInt(cpu.hi[r]!) << 32n) | BigInt(cpu.lo[r]!);
}

/** x86 exception vectors (sigcontext trapno): divide error, breakpoint, invalid opcode, #GP, #PF. */
const X86_DE = 0, X86_BP = 3, X86_UD = 6, X86_GP = 13, X86_PF = 14;
/** Page-fault error code bits: the page was present (a protection fault), user mode. */
const PF_PROT = 1, PF_USER = 4;

/** Trap number and error code Linux reports in sigcontext for a fault signal. */
function trapOf(sig: number, code: number): { trapno: number; err: number } {
  switch (sig) {
    case SIGSEGV: return { trapno: code === SI_KERNEL ? X86_GP : X86_PF, err: code === SEGV_ACCERR ? PF_USER | PF_PROT : PF_USER };
    case SIGILL: return { trapno: X86_UD, err: 0 };
    case SIGFPE: return { trapno: X86_DE, err: 0 };
    case SIGTRAP: return { trapno: X86_BP, err: 0 };
    default: return { trapno: 0, err: 0 };
  }
}

/** int3 is a trap, not a fault: Linux reports it (SIGTRAP, SI_KERNEL) with rip after the instruction. */
function isInt3(sig: number, code: number): boolean {
  return sig === SIGTRAP && code === SI_KERNEL;
}

/** The x86-64 part of the run loop (run-loop.ts): one Interpreter (one code cache) switched between the threads' Cpus. */
function x86Loop(kernel: Kernel, m: MachineState<Cpu>, interp: Interpreter, hooks: RunHooks | null): ArchLoop<Cpu> {
  return {
    cpuOf: (th) => (th.ctx as X86Thread).cpu,
    switchTo(c) {
      m.cur = c;
      interp.cpu = c;
      hooks?.switched(c);
    },
    resume(cpu, th, r) {
      if (r === 'restart') {
        // run the system call instruction again (syscall is 2 bytes; RAX = its number)
        cpu.rip -= 2;
        cpu.setReg64Number(RAX, lastSyscall.get(th) ?? 0);
      } else cpu.setReg64(RAX, BigInt.asUintN(64, r));
    },
    run: (_cpu, budget) => interp.run(budget),
    syscall(cpu, th) {
      const nr = cpu.lo[RAX]!;
      lastSyscall.set(th, nr);
      const args = [reg(cpu, RDI), reg(cpu, RSI), reg(cpu, RDX), reg(cpu, R10), reg(cpu, R8), reg(cpu, R9)];
      const result = kernel.syscall(nr, args, th.ctx);
      // (rt_sigreturn returns the restored RAX; a handler entered on the way back starts with it too)
      cpu.setReg64(RAX, BigInt.asUintN(64, result));
    },
    fault(cpu, th) {
      if (interp.limitError) return interp.limitError.message;
      const fault = interp.fault;
      if (fault === null) return null; // (no other stop reasons reach here)
      interp.fault = null;
      const sig = fault.signal;
      if (isInt3(sig, fault.code)) cpu.rip = fault.faultAddr + 1;
      const t = trapOf(sig, fault.code);
      forceSignal(kernel, th, sig, { signo: sig, code: fault.code, addr: fault.faultAddr }, { ...t, addr: fault.faultAddr }, fault.reason);
      return null;
    },
    where: (cpu) => `rip 0x${cpu.rip.toString(16)}`,
  };
}

/**
 * Run the program's threads until it exits, is killed, deadlocks or runs out of gas. `main` is the
 * main thread's Cpu, ready at the entry point. `code`: the decoded code the program's earlier runs
 * left (the per-program cache), or null. `hooks` observe the run (profiler).
 */
export function runThreads(kernel: Kernel, main: Cpu, gasLimit: number, code: SharedCode | null = null, hooks: RunHooks | null = null): ThreadsEnd {
  const mem = main.mem;
  const m: MachineState<Cpu> = { kernel, mem, cur: main };
  const interp = new Interpreter(main, code);
  if (hooks) interp.onDecode = (insn) => hooks.decoded(insn);
  const first = kernel.thread(new X86Thread(main, m));
  const end = runLoop(kernel, mem, main, first, gasLimit, x86Loop(kernel, m, interp, hooks));
  interp.retire();
  return end;
}

/** The last system call number of each thread (to run it again after a restartable wait). */
const lastSyscall = new WeakMap<KThread, number>();
