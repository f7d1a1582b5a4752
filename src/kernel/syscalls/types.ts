/**
 * The shape of a system call implementation.
 *
 * An implementation receives the calling context and the six raw argument registers, and returns
 * the result (a non-negative number or bigint), or throws SysError(errno) to fail with -errno.
 * Guest memory faults (MemoryFault) become -EFAULT in the dispatcher.
 */
import type { Memory } from '../../mem/memory.js';
import type { Kernel } from '../kernel.js';
import type { KThread } from '../thread.js';
import type { ThreadContext } from '../types.js';

export interface Sys {
  readonly k: Kernel;
  /** The calling thread as the machine sees it (registers, TLS, virtual clock). */
  readonly t: ThreadContext;
  /** The calling thread as the kernel sees it (tid, signal mask, …). */
  readonly th: KThread;
  readonly mem: Memory;
}

export type SyscallImpl = (s: Sys, a: readonly bigint[]) => number | bigint;

/**
 * A system call's entry: its implementation and its trace signature, one letter per argument as
 * trace.ts reads them (`'dpu'`: an int, a pointer, an unsigned long). Side by side, so that no call
 * is implemented without saying how strace-like tracing shows it.
 */
export type SyscallEntry = readonly [run: SyscallImpl, trace: string];

/** A topic file's system calls, by kernel name. */
export type SyscallGroup = Readonly<Record<string, SyscallEntry>>;
