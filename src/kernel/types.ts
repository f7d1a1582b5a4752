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

/** What a signal handler is entered with (the machine builds the architecture's signal frame). */
export interface SignalDelivery {
  sig: number;
  /** sa_handler / sa_sigaction. */
  handler: bigint;
  /** sa_flags (SA_SIGINFO, SA_ONSTACK, SA_RESTORER, …). */
  flags: bigint;
  restorer: bigint;
  /** The signal mask to save in the frame (restored by rt_sigreturn). */
  savedMask: bigint;
  /** siginfo fields. */
  info: SigInfo;
  /** The thread's alternate signal stack (sp, flags, size) as sigaltstack set it. */
  altstack: { sp: bigint; flags: number; size: bigint };
  /** For synchronous faults: trap number, error code, cr2. */
  trap?: { trapno: number; err: number; addr: number };
}

export interface SigInfo {
  signo: number;
  code: number;
  errno?: number;
  /** SI_USER / SI_TKILL / SI_QUEUE: sender pid and uid. */
  pid?: number;
  uid?: number;
  /** Faults: the faulting address (si_addr). */
  addr?: number;
}

/** What rt_sigreturn restored besides the registers. */
export interface SigReturn {
  /** The value of the result register (the interrupted syscall's result, or the register's value). */
  result: bigint;
  mask: bigint;
  /** uc_stack as saved: sigaltstack is re-applied from it. */
  altstack: { sp: bigint; flags: number; size: bigint };
}

/**
 * Optional thread operations a machine provides so the kernel can run several threads and
 * deliver signals. A ThreadContext without them runs single-threaded without signal handlers.
 */
export interface ThreadOps {
  /** clone(CLONE_VM|CLONE_THREAD): a new thread whose registers copy this one's, with the result
   * register 0, the stack pointer `stack` (unless 0) and the thread pointer `tls` (unless null). */
  cloneThread(stack: number, tls: number | null): ThreadContext & ThreadOps;
  /** Write a system call's result register (before a signal frame saves the registers). */
  setResult(v: bigint): void;
  /** The current stack pointer (sigaltstack's SS_ONSTACK). */
  stackPointer(): number;
  /** Push a signal frame and continue at the handler. Throws MemoryFault if the frame cannot be written. */
  enterSignal(d: SignalDelivery): void;
  /** rt_sigreturn: restore registers from the frame at the stack pointer. Throws MemoryFault. */
  sigreturn(): SigReturn;
}

export function hasThreadOps(t: ThreadContext): t is ThreadContext & ThreadOps {
  return typeof (t as Partial<ThreadOps>).enterSignal === 'function';
}

/**
 * The block context a run executes in: a plain value handed to the kernel, which derives time and
 * randomness from it (SPEC §3). The kernel knows nothing else of blocks.
 */
export interface BlockContext {
  number: bigint;
  /** Seconds since the epoch. CLOCK_REALTIME starts here. */
  timestamp: bigint;
  /** 32 bytes. */
  prevBlockHash: Uint8Array;
  /** 32 bytes. */
  txHash: Uint8Array;
  chainId: bigint;
}

/** Per-run resource limits the kernel and memory enforce. */
export interface Limits {
  /** Resident (touched) guest memory in bytes. */
  memoryBytes: number;
  /** Mapped guest address space in bytes (reservations count, even untouched). */
  addressSpaceBytes: number;
  /** Bytes of stdout kept; writing more fails the run. */
  stdoutBytes: number;
  /** Bytes of stderr kept; writing more fails the run. */
  stderrBytes: number;
  openFiles: number;
  threads: number;
  /** Bytes of files in /tmp. */
  tmpBytes: number;
}
