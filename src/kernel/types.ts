/**
 * What the kernel needs from the thing running the program, without knowing which CPU it is.
 * The machine implements this for x86-64 (and later riscv64).
 */
import type { Memory } from '../mem/memory.js';

export interface ThreadContext {
  readonly mem: Memory;
  /** Virtual nanoseconds elapsed in this run (retired instructions + slept time). */
  virtualNanos(): number;
  /** Architecture-specific thread pointer (x86-64 FS base, riscv64 tp). */
  setThreadPointer(addr: number): void;
  getThreadPointer(): number;
  /** x86-64 GS base (arch_prctl ARCH_SET_GS/ARCH_GET_GS). */
  setGsBase(addr: number): void;
  getGsBase(): number;
}
