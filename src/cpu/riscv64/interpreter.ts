/**
 * The riscv64 run loop and its code cache: decoded instructions kept per 4 KiB page, linked to
 * their fall-through and last taken successor, invalidated when memory reports a write to a page
 * holding decoded code (the same scheme as the x86-64 interpreter).
 */
import { Memory, MemoryFault, MemoryLimitExceeded, PAGE_SIZE } from '../../mem/memory.js';
import { CpuException, SIGBUS, SIGSEGV, SIGTRAP, Stop } from '../x86_64/cpu.js';
import type { RvCpu } from './cpu.js';
import { BreakpointTrap, decode } from './decode.js';
import type { RvInsn } from './insn.js';

const ICACHE_SIZE = 4096;
/** si_code TRAP_BRKPT. */
const TRAP_BRKPT = 1;

export class RvInterpreter {
  private readonly pages = new Map<number, Map<number, RvInsn>>();
  private readonly icache: Array<RvInsn | null> = new Array<RvInsn | null>(ICACHE_SIZE).fill(null);
  fault: CpuException | null = null;
  limitError: MemoryLimitExceeded | null = null;

  constructor(public cpu: RvCpu) {
    const mem: Memory = cpu.mem;
    mem.onCodeWrite = (pn) => this.invalidatePage(pn);
  }

  private invalidatePage(pn: number): void {
    for (const n of [pn, pn - 1]) {
      const page = this.pages.get(n);
      if (page === undefined) continue;
      for (const insn of page.values()) insn.addr = -1;
      this.pages.delete(n);
      if (this.cpu.stop === Stop.None) this.cpu.stop = Stop.Refetch;
    }
  }

  fetch(addr: number): RvInsn {
    const cached = this.icache[(addr >>> 1) & (ICACHE_SIZE - 1)]!;
    if (cached !== null && cached.addr === addr) return cached;
    return this.fetchSlow(addr);
  }

  private fetchSlow(addr: number): RvInsn {
    if (addr % 2 !== 0) {
      throw new CpuException(SIGBUS, `bus error: instruction address 0x${addr.toString(16)} is misaligned`, addr, 1);
    }
    const pn = Math.floor(addr / PAGE_SIZE);
    let page = this.pages.get(pn);
    if (page === undefined) {
      page = new Map();
      this.pages.set(pn, page);
      this.cpu.mem.markCode(pn);
    }
    let insn = page.get(addr);
    if (insn === undefined) {
      insn = decode(this.cpu.mem, addr);
      page.set(addr, insn);
      const endPn = Math.floor((addr + insn.len - 1) / PAGE_SIZE);
      if (endPn !== pn) this.cpu.mem.markCode(endPn);
    }
    this.icache[(addr >>> 1) & (ICACHE_SIZE - 1)] = insn;
    return insn;
  }

  /** Run until a system call, a fault or maxInsns retired instructions; pc is the next instruction. */
  // (the same loop as x86_64/interpreter.ts's run, kept apart on purpose: the hot path, monomorphic in its CPU and insn types)
  run(maxInsns: number): Stop {
    const cpu = this.cpu;
    cpu.icountLimit = cpu.icount + maxInsns;
    cpu.stop = Stop.None;
    let cur: RvInsn | null = null;
    try {
      let insn: RvInsn = this.fetch(cpu.pc);
      cur = insn;
      for (;;) {
        if (cpu.icount >= cpu.icountLimit) {
          cpu.pc = insn.addr;
          return Stop.Budget;
        }
        cur = insn;
        cpu.curAddr = insn.addr;
        cpu.pc = insn.nextAddr;
        insn.exec(cpu, insn);
        cpu.icount++;
        if (cpu.stop !== Stop.None) {
          const s = cpu.stop;
          cpu.stop = Stop.None;
          if (s !== Stop.Refetch) return s;
          insn = this.fetch(cpu.pc);
          continue;
        }
        const pc = cpu.pc;
        let next: RvInsn | null = insn.nextInsn;
        if (next !== null && next.addr === pc) {
          insn = next;
          continue;
        }
        next = insn.jumpInsn;
        if (next !== null && next.addr === pc) {
          insn = next;
          continue;
        }
        next = this.fetch(pc);
        if (pc === insn.nextAddr) insn.nextInsn = next;
        else insn.jumpInsn = next;
        insn = next;
      }
    } catch (e) {
      return this.onException(e, cur);
    }
  }

  private onException(e: unknown, insn: RvInsn | null): Stop {
    const cpu = this.cpu;
    const at = e instanceof MemoryFault && e.access === 'exec' ? e.addr : insn !== null ? cpu.curAddr : cpu.pc;
    cpu.pc = insn !== null && !(e instanceof MemoryFault && e.access === 'exec') ? cpu.curAddr : cpu.pc;
    if (e instanceof CpuException) {
      this.fault = e;
      return Stop.Fault;
    }
    if (e instanceof BreakpointTrap) {
      this.fault = new CpuException(SIGTRAP, e.message, e.addr, TRAP_BRKPT);
      return Stop.Fault;
    }
    if (e instanceof MemoryFault) {
      const what = e.access === 'exec' ? 'instruction fetch from' : e.access === 'write' ? 'write to' : 'read from';
      this.fault = new CpuException(
        SIGSEGV,
        `segmentation fault: ${what} ${e.kind === 'unmapped' ? 'unmapped ' : 'protected '}address 0x${e.addr.toString(16)} at pc 0x${at.toString(16)}`,
        e.addr,
        e.kind === 'unmapped' ? 1 : 2,
      );
      return Stop.Fault;
    }
    if (e instanceof MemoryLimitExceeded) {
      this.limitError = e;
      return Stop.Fault;
    }
    if (e instanceof RangeError) {
      this.fault = new CpuException(SIGBUS, `bus error: ${e.message} at pc 0x${at.toString(16)}`, 0, 2);
      return Stop.Fault;
    }
    throw e;
  }
}
