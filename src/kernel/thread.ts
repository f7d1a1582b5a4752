/**
 * The kernel's per-thread state. The machine identifies a thread by its ThreadContext; the kernel
 * keeps this record next to it (see sched.ts for the thread table and the scheduler).
 */
import type { SigInfo, ThreadContext } from './types.js';
import { SS_DISABLE } from './constants.js';
import { EAGAIN, SysError } from './errno.js';

export type ThreadState = 'runnable' | 'blocked' | 'exited';

/** Why a blocked thread waits, and what ends the wait. */
export interface Wait {
  /** For messages ("futex", "nanosleep", "epoll_pwait", …). */
  what: string;
  /** Virtual-time deadline in ns (monotonic), or null for none. */
  deadline: number | null;
  /** Result register value when the deadline passes ('restart': execute the system call again). */
  onTimeout: bigint | 'restart';
  /** A signal ends the wait with EINTR (or a restart, with SA_RESTART and `restartable`). */
  restartable: boolean;
  /** futex waits: the queue key and bitset. */
  futex?: { addr: number; bitset: number };
  /** Readiness waits: polled at each scheduling point; true = run the system call again. */
  ready?: () => boolean;
  /** sigsuspend / pause: the wait ends only through a signal. */
  forSignal?: boolean;
}

export class KThread {
  /** set_tid_address / CLONE_CHILD_CLEARTID: address to clear (and futex-wake) at thread exit. */
  clearChildTid = 0;
  /** set_robust_list head and length. */
  robustList = 0n;
  robustLen = 0n;
  /** Blocked signals (bit sig-1). */
  sigmask = 0n;
  /** rt_sigsuspend: the mask to restore after the handler (saved in the signal frame). */
  savedMask: bigint | null = null;
  /** Signals sent to this thread (tgkill, faults), bit sig-1, with their siginfo. */
  pending = 0n;
  readonly pendingInfo = new Map<number, SigInfo>();
  /** sigaltstack. */
  altstack = { sp: 0n, flags: SS_DISABLE, size: 0n };
  /** prctl(PR_SET_NAME) / /proc/self/comm, at most 15 bytes. */
  name = 'contract';

  state: ThreadState = 'runnable';
  wait: Wait | null = null;
  /**
   * Set when a blocked thread becomes runnable: the value its system call returns, or 'restart'
   * to execute the system call again. The machine applies it before the thread runs.
   */
  resume: bigint | 'restart' | null = null;
  /** sched_yield: give up the rest of the quantum. */
  yielded = false;
  exitStatus = 0;

  constructor(
    readonly tid: number,
    readonly ctx: ThreadContext,
  ) {}
}

/**
 * Thrown by an I/O operation that would block (an empty pipe, a full pipe). The system call
 * dispatcher turns it into EAGAIN for O_NONBLOCK descriptors, or blocks the thread until `ready()`
 * and then runs the system call again.
 */
export class WouldBlock extends SysError {
  constructor(readonly ready: () => boolean) {
    super(EAGAIN);
  }
}
