/**
 * What Linux's signal frames have in common across architectures (x86-64 threads.ts, riscv64/thread.ts):
 * the stack a handler runs on (sigaltstack), the stack_t saved in the ucontext, and the siginfo.
 * Each architecture lays these out at its own offsets and adds its registers.
 */
import type { Memory } from '../mem/memory.js';
import type { SignalDelivery, SigReturn } from '../kernel/types.js';
import { SA_ONSTACK } from '../kernel/index.js';

const SS_ONSTACK = 1;
const SS_DISABLE = 2;

export function put64(mem: Memory, addr: number, v: number | bigint): void {
  const b = BigInt.asUintN(64, BigInt(v));
  mem.write64(addr, Number(b & 0xffffffffn), Number(b >> 32n));
}

export function get64(mem: Memory, addr: number): bigint {
  return (BigInt(mem.read32(addr + 4)) << 32n) | BigInt(mem.read32(addr));
}

/** Where a handler's frame goes below: the alternate stack's top (SA_ONSTACK, not on it yet), else `sp - redZone`. */
export function signalStack(sp: number, redZone: number, d: SignalDelivery): { top: number; onAlt: boolean } {
  const alt = d.altstack;
  const altBase = Number(alt.sp);
  const altSize = Number(alt.size);
  const onAlt = altSize !== 0 && sp > altBase && sp - altBase <= altSize;
  const useAlt = (d.flags & SA_ONSTACK) !== 0n && altSize !== 0 && (alt.flags & SS_DISABLE) === 0 && !onAlt;
  return { top: useAlt ? altBase + altSize : sp - redZone, onAlt };
}

/** The ucontext's uc_stack (stack_t: ss_sp, ss_flags, ss_size) as the handler sees it. */
export function writeStackT(mem: Memory, addr: number, d: SignalDelivery, onAlt: boolean): void {
  const alt = d.altstack;
  put64(mem, addr, alt.sp);
  mem.write32(addr + 8, (alt.size === 0n ? SS_DISABLE : onAlt ? SS_ONSTACK : 0) | (alt.flags & ~SS_DISABLE));
  put64(mem, addr + 16, alt.size);
}

/** uc_stack back from a frame (rt_sigreturn restores the alternate stack from it). */
export function readStackT(mem: Memory, addr: number): SigReturn['altstack'] {
  return { sp: get64(mem, addr), flags: mem.read32(addr + 8) | 0, size: get64(mem, addr + 16) };
}

/** siginfo_t: signo, errno, code, then the fault address or the sender's pid and uid. */
export function writeSiginfo(mem: Memory, addr: number, info: SignalDelivery['info']): void {
  mem.write32(addr, info.signo);
  mem.write32(addr + 4, info.errno ?? 0);
  mem.write32(addr + 8, info.code >>> 0);
  if (info.addr !== undefined) put64(mem, addr + 16, info.addr);
  else if (info.pid !== undefined) {
    mem.write32(addr + 16, info.pid);
    mem.write32(addr + 20, info.uid ?? 0);
  }
}
