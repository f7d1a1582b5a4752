/**
 * The kernel's per-thread state. The machine identifies a thread by its ThreadContext; the kernel
 * keeps this record next to it. Only the main thread exists until clone() threads are added.
 */
import type { ThreadContext } from './types.js';
import { SS_DISABLE } from './constants.js';

export class KThread {
  /** set_tid_address / CLONE_CHILD_CLEARTID: address to clear (and futex-wake) at thread exit. */
  clearChildTid = 0;
  /** set_robust_list head and length. */
  robustList = 0n;
  robustLen = 0n;
  /** Blocked signals (bit sig-1). */
  sigmask = 0n;
  /** sigaltstack. */
  altstack = { sp: 0n, flags: SS_DISABLE, size: 0n };
  /** prctl(PR_SET_NAME) / /proc/self/comm, at most 15 bytes. */
  name = 'contract';

  constructor(
    readonly tid: number,
    readonly ctx: ThreadContext,
  ) {}
}
