/**
 * The thread table and the deterministic scheduler's decisions (SPEC §3 "threads").
 *
 * Threads run one at a time. The machine runs the current thread until it makes a system call,
 * uses up its quantum of instructions, or blocks; then `pick()` chooses the next runnable thread,
 * round robin in tid order. Blocked threads wait for a futex wake, a deadline in virtual time, a
 * signal, or a readiness condition (pipes, epoll) that is re-checked at every scheduling point.
 * When no thread can run, virtual time jumps to the earliest deadline (`idle()`); when there is no
 * deadline either, every thread is blocked forever: the run ends with reason "deadlock".
 *
 * Virtual time = instructions retired by all threads + time skipped while every thread slept, so
 * it depends only on the program.
 */
import type { Kernel } from './kernel.js';
import { MAIN_TID } from './constants.js';
import { KThread, type Wait } from './thread.js';
import type { ThreadContext } from './types.js';

export class Scheduler {
  /** The live threads, in tid order (an exited thread is removed). */
  readonly threads: KThread[] = [];
  private readonly byCtx = new Map<ThreadContext, KThread>();
  private readonly byTid = new Map<number, KThread>();
  private nextTid = MAIN_TID;
  /** futex address → waiters in FIFO order. */
  private readonly futexQueues = new Map<number, KThread[]>();
  /** Instructions retired by all threads so far (the machine sets this). */
  retired: () => number = () => 0;
  /** ITIMER_REAL / alarm: next expiry (virtual ns) and period (0 = one-shot), or null. */
  realTimer: { at: number; interval: number; fire: () => void } | null = null;
  /** Exit status of the main thread if it called exit() while others ran on. */
  private mainExit: number | null = null;

  constructor(private readonly k: Kernel) {}

  /** Virtual monotonic time in ns. */
  now(): number {
    return this.retired() + this.k.sleptNanos;
  }

  /** The record of a context; the first context seen is the main thread. */
  threadOf(ctx: ThreadContext): KThread {
    let th = this.byCtx.get(ctx);
    if (!th) th = this.add(ctx);
    return th;
  }

  add(ctx: ThreadContext): KThread {
    const th = new KThread(this.nextTid++, ctx);
    this.byCtx.set(ctx, th);
    this.byTid.set(th.tid, th);
    this.threads.push(th);
    return th;
  }

  byId(tid: number): KThread | undefined {
    const th = this.byTid.get(tid);
    return th && th.state !== 'exited' ? th : undefined;
  }

  /** Threads not yet exited. */
  live(): number {
    let n = 0;
    for (const th of this.threads) if (th.state !== 'exited') n++;
    return n;
  }

  // ------------------------------------------------------------------ blocking and waking

  block(th: KThread, w: Wait): void {
    th.state = 'blocked';
    th.wait = w;
    th.resume = null;
    if (w.futex) {
      let q = this.futexQueues.get(w.futex.addr);
      if (!q) this.futexQueues.set(w.futex.addr, (q = []));
      q.push(th);
    }
  }

  /** End th's wait; its system call returns `result` (or runs again: 'restart'). */
  wake(th: KThread, result: bigint | 'restart'): void {
    if (th.state !== 'blocked') return;
    const w = th.wait;
    if (w?.futex) {
      const q = this.futexQueues.get(w.futex.addr);
      if (q) {
        const i = q.indexOf(th);
        if (i >= 0) q.splice(i, 1);
        if (q.length === 0) this.futexQueues.delete(w.futex.addr);
      }
    }
    th.state = 'runnable';
    th.wait = null;
    th.resume = result;
  }

  /** Wake up to n waiters on addr whose bitset matches; returns how many woke. */
  futexWake(addr: number, n: number, bitset = 0xffffffff): number {
    const q = this.futexQueues.get(addr);
    if (!q || n <= 0) return 0;
    let woken = 0;
    for (const th of [...q]) {
      if (woken >= n) break;
      if ((th.wait!.futex!.bitset & bitset) === 0) continue;
      this.wake(th, 0n);
      woken++;
    }
    return woken;
  }

  /** Move up to n waiters from addr to addr2 (FUTEX_REQUEUE); returns how many moved. */
  futexRequeue(addr: number, addr2: number, n: number): number {
    const q = this.futexQueues.get(addr);
    if (!q || n <= 0 || addr === addr2) return 0;
    const moved = q.splice(0, n);
    if (q.length === 0) this.futexQueues.delete(addr);
    let q2 = this.futexQueues.get(addr2);
    if (!q2) this.futexQueues.set(addr2, (q2 = []));
    for (const th of moved) {
      th.wait!.futex!.addr = addr2;
      q2.push(th);
    }
    return moved.length;
  }

  /** Wake threads whose deadline passed or whose readiness condition holds. */
  tick(): void {
    const now = this.now();
    const t = this.realTimer;
    if (t && t.at <= now) {
      if (t.interval > 0) t.at += Math.max(1, Math.ceil((now - t.at + 1) / t.interval)) * t.interval;
      else this.realTimer = null;
      t.fire();
    }
    for (const th of this.threads) {
      if (th.state !== 'blocked') continue;
      const w = th.wait!;
      if (w.ready && w.ready()) this.wake(th, 'restart');
      else if (w.deadline !== null && w.deadline <= now) this.wake(th, w.onTimeout);
    }
  }

  /** Earliest deadline among blocked threads, or null. */
  nextDeadline(): number | null {
    let best: number | null = this.realTimer ? this.realTimer.at : null;
    for (const th of this.threads) {
      if (th.state !== 'blocked') continue;
      const d = th.wait!.deadline;
      if (d !== null && (best === null || d < best)) best = d;
    }
    return best;
  }

  runnableCount(): number {
    let n = 0;
    for (const th of this.threads) if (th.state === 'runnable') n++;
    return n;
  }

  /** The next runnable thread after `cur` in tid order (cur itself last), or null. */
  pick(cur: KThread | null): KThread | null {
    const after = cur ? cur.tid : -1;
    let first: KThread | null = null;
    for (const th of this.threads) {
      if (th.state !== 'runnable') continue;
      if (th.tid > after) return th;
      first ??= th;
    }
    return first;
  }

  /**
   * Nothing can run: skip virtual time to the earliest deadline and wake those threads. Returns
   * false when no thread has a deadline (deadlock).
   */
  idle(): boolean {
    const d = this.nextDeadline();
    if (d === null) return false;
    const now = this.now();
    if (d > now) this.k.sleptNanos += d - now;
    this.tick();
    return true;
  }

  /** Description of the blocked threads for the deadlock reason. */
  describeBlocked(): string {
    return this.threads
      .filter((t) => t.state === 'blocked')
      .map((t) => `tid ${t.tid} in ${t.wait!.what}`)
      .join(', ');
  }

  // ------------------------------------------------------------------ exit

  /**
   * exit(2) of one thread: clear and wake its clear_child_tid word; the last thread's exit ends
   * the program (with the main thread's status if it exited first, as Linux reports).
   */
  exitThread(th: KThread, status: number): void {
    if (th.state === 'exited') return;
    if (th.state === 'blocked') this.wake(th, 0n);
    th.state = 'exited';
    th.exitStatus = status & 0xff;
    if (th.tid === MAIN_TID) this.mainExit = th.exitStatus;
    if (th.clearChildTid !== 0) {
      try {
        this.k.mem.write32(th.clearChildTid, 0);
      } catch {
        // an unmapped clear_child_tid is ignored, as Linux does
      }
      this.futexWake(th.clearChildTid, 1);
    }
    const i = this.threads.indexOf(th);
    if (i >= 0) this.threads.splice(i, 1);
    this.byCtx.delete(th.ctx);
    this.byTid.delete(th.tid);
    if (this.live() === 0) this.k.exit(this.mainExit ?? th.exitStatus);
  }
}
