/**
 * Signals, delivered deterministically.
 *
 *  - rt_sigaction, rt_sigprocmask, sigaltstack, rt_sigpending keep the state Linux keeps (actions
 *    per process, mask and alternate stack per thread, pending sets per thread and per process).
 *  - Sending (kill, tkill, tgkill, rt_sigqueueinfo, and faults) marks the signal pending: on the
 *    target thread (tgkill, faults) or on the process (kill). An ignored signal is dropped. A
 *    blocked target thread that does not block the signal is woken: its system call returns
 *    EINTR, or runs again when the handler has SA_RESTART and the call can be restarted.
 *  - Delivery happens only at deterministic points: when a system call returns, and when the
 *    scheduler lets a thread run a slice. Every deliverable pending signal is delivered (lowest
 *    number first, thread-directed before process-directed), as Linux does on the way back to user
 *    mode: SIG_DFL → the default action (terminate or core: the run ends with 128+signal; ignore;
 *    stop signals are ignored since nothing could continue the program); a handler → the machine
 *    pushes the architecture's signal frame (siginfo, ucontext with the registers and the FP state)
 *    and continues at the handler; rt_sigreturn restores from the frame.
 *  - Synchronous faults (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP) go to an installed handler; if
 *    the signal is blocked or ignored, or no handler is installed, the run ends with 128+signal.
 *  - A machine without signal frames (ThreadOps) ends the run when a handler would run.
 *  - pause, rt_sigsuspend and rt_sigtimedwait wait for signals; if no thread can ever send one the
 *    scheduler ends the run with reason "deadlock".
 */
import {
  MAIN_TID,
  MINSIGSTKSZ,
  NSIG,
  PID,
  SIG_BLOCK,
  SIG_DFL,
  SIG_IGN,
  SIG_SETMASK,
  SIG_UNBLOCK,
  SIGCHLD,
  SIGCONT,
  SIGKILL,
  SIGSEGV,
  SIGSTOP,
  SIGTSTP,
  SIGTTIN,
  SIGTTOU,
  SIGURG,
  SIGWINCH,
  signalName,
  SS_AUTODISARM,
  SS_DISABLE,
  SS_ONSTACK,
  UID,
} from '../constants.js';
import { EAGAIN, EINTR, EINVAL, ENOMEM, EPERM, ESRCH, SysError } from '../errno.js';
import { int, ptr, size, StructReader, StructWriter } from '../guest.js';
import type { Kernel } from '../kernel.js';
import type { KThread } from '../thread.js';
import { hasThreadOps, type SigInfo, type ThreadContext } from '../types.js';
import { readTimespec } from './time.js';
import type { Sys, SyscallGroup } from './types.js';

export interface SigAction {
  readonly handler: bigint;
  readonly flags: bigint;
  readonly restorer: bigint;
  readonly mask: bigint;
}

export interface SignalState {
  /** Index = signal number (1..64). */
  readonly actions: SigAction[];
  /** Process-directed signals pending (bit sig-1). */
  pending: bigint;
  readonly pendingInfo: Map<number, SigInfo>;
}

/**
 * The default action, shared by every signal of every run: an action is never changed in place
 * (rt_sigaction and SA_RESETHAND put a new object in the table), so one frozen object serves, and
 * a run allocates no 65 objects for it.
 */
const DEFAULT_ACTION: SigAction = Object.freeze({ handler: SIG_DFL, flags: 0n, restorer: 0n, mask: 0n });

export function newSignalState(): SignalState {
  return { actions: new Array<SigAction>(NSIG + 1).fill(DEFAULT_ACTION), pending: 0n, pendingInfo: new Map() };
}

export const SA_SIGINFO = 0x4n;
export const SA_ONSTACK = 0x08000000n;
export const SA_RESTART = 0x10000000n;
export const SA_NODEFER = 0x40000000n;
export const SA_RESETHAND = 0x80000000n;
const SI_USER = 0;
const SI_QUEUE = -1;
const SI_TKILL = -6;

const bit = (sig: number): bigint => 1n << BigInt(sig - 1);
const UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);

function defaultIgnored(sig: number): boolean {
  return (
    sig === SIGCHLD || sig === SIGCONT || sig === SIGURG || sig === SIGWINCH ||
    sig === SIGSTOP || sig === SIGTSTP || sig === SIGTTIN || sig === SIGTTOU
  );
}

function ignoredBy(k: Kernel, sig: number): boolean {
  if (sig === SIGKILL) return false;
  const h = k.signals.actions[sig]!.handler;
  return h === SIG_IGN || (h === SIG_DFL && defaultIgnored(sig));
}

function lowest(set: bigint): number {
  let sig = 1;
  while (!(set & bit(sig))) sig++;
  return sig;
}

/** A signal pending for th (thread or process) that th does not block. */
function deliverable(k: Kernel, th: KThread): bigint {
  return (th.pending | k.signals.pending) & ~(th.sigmask & ~UNBLOCKABLE);
}

/** A blocked thread that can take sig ends its wait (EINTR, or a restart with SA_RESTART). */
function interrupt(k: Kernel, th: KThread, sig: number): void {
  if (th.state !== 'blocked') return;
  const w = th.wait!;
  const restart = !w.forSignal && w.restartable && (k.signals.actions[sig]!.flags & SA_RESTART) !== 0n &&
    k.signals.actions[sig]!.handler !== SIG_DFL;
  k.sched.wake(th, restart ? 'restart' : -BigInt(EINTR));
}

/** Send sig to one thread (tgkill, tkill, faults). */
export function sendToThread(k: Kernel, th: KThread, sig: number, info: SigInfo): void {
  if (sig === 0 || th.state === 'exited') return;
  if (ignoredBy(k, sig) && !(th.sigmask & bit(sig))) return;
  if (!(th.pending & bit(sig))) th.pendingInfo.set(sig, info);
  th.pending |= bit(sig);
  if (!(th.sigmask & bit(sig) & ~UNBLOCKABLE)) interrupt(k, th, sig);
}

/** Send sig to the process (kill): the first thread in tid order that does not block it takes it. */
export function sendToProcess(k: Kernel, sig: number, info: SigInfo): void {
  if (sig === 0) return;
  const st = k.signals;
  // Linux's sig_ignored() asks the thread-group leader: a signal it blocks is kept, since the
  // action may change before it is unblocked
  const leader = k.sched.byId(MAIN_TID);
  if (ignoredBy(k, sig) && !(leader && leader.sigmask & bit(sig))) return;
  if (!(st.pending & bit(sig))) st.pendingInfo.set(sig, info);
  st.pending |= bit(sig);
  if (ignoredBy(k, sig)) return; // kept for later, but it wakes nobody now
  for (const th of k.sched.threads) {
    if (th.state === 'exited' || th.sigmask & bit(sig) & ~UNBLOCKABLE) continue;
    interrupt(k, th, sig);
    break;
  }
}

/** True if th has a signal to take now. */
export function hasDeliverable(k: Kernel, th: KThread): boolean {
  return deliverable(k, th) !== 0n;
}

/** After blocking: a signal already deliverable ends the wait at once. */
export function interruptIfPending(k: Kernel, th: KThread): void {
  const d = deliverable(k, th);
  if (d !== 0n && th.state === 'blocked') interrupt(k, th, lowest(d));
}

function defaultAction(k: Kernel, sig: number): void {
  if (defaultIgnored(sig)) return;
  k.kill(`killed by ${signalName(sig)}`, sig);
}

/**
 * Deliver every deliverable pending signal of th (the running thread, whose registers are
 * current). Handlers get a signal frame each, the last delivered on top (it runs first).
 */
export function deliverSignals(k: Kernel, th: KThread): void {
  for (;;) {
    if (k.killed || k.exited || th.state !== 'runnable') break;
    const d = deliverable(k, th);
    if (d === 0n) break;
    let sig: number;
    let info: SigInfo | undefined;
    const own = th.pending & d;
    if (own !== 0n) {
      sig = lowest(own);
      th.pending &= ~bit(sig);
      info = th.pendingInfo.get(sig);
      th.pendingInfo.delete(sig);
    } else {
      sig = lowest(d);
      k.signals.pending &= ~bit(sig);
      info = k.signals.pendingInfo.get(sig);
      k.signals.pendingInfo.delete(sig);
    }
    if (ignoredBy(k, sig)) continue;
    const act = k.signals.actions[sig]!;
    if (act.handler === SIG_DFL || sig === SIGKILL) {
      defaultAction(k, sig);
      continue;
    }
    runHandler(k, th, sig, info ?? { signo: sig, code: SI_USER, pid: PID, uid: UID });
  }
  if (th.savedMask !== null && th.state === 'runnable') {
    th.sigmask = th.savedMask;
    th.savedMask = null;
  }
}

function runHandler(k: Kernel, th: KThread, sig: number, info: SigInfo, trap?: { trapno: number; err: number; addr: number }): void {
  const act = k.signals.actions[sig]!;
  const ctx: ThreadContext = th.ctx;
  if (!hasThreadOps(ctx)) {
    k.kill(`killed by ${signalName(sig)}: a handler is installed (0x${act.handler.toString(16)}) but this machine does not run signal handlers`, sig);
    return;
  }
  const savedMask = th.savedMask ?? th.sigmask;
  th.savedMask = null;
  try {
    ctx.enterSignal({
      sig,
      handler: act.handler,
      flags: act.flags,
      restorer: act.restorer,
      savedMask,
      info,
      altstack: th.altstack,
      trap,
    });
  } catch {
    // the frame could not be written (bad stack): Linux forces SIGSEGV
    k.kill(`killed by SIGSEGV: cannot push the signal frame for ${signalName(sig)}`, SIGSEGV);
    return;
  }
  if (act.flags & SA_ONSTACK && (th.altstack.flags & SS_AUTODISARM) !== 0 && th.altstack.size !== 0n) {
    th.altstack = { sp: 0n, flags: SS_DISABLE, size: 0n };
  }
  let mask = th.sigmask | act.mask;
  if (!(act.flags & SA_NODEFER)) mask |= bit(sig);
  th.sigmask = mask & ~UNBLOCKABLE;
  // (Linux's get_signal resets only sa_handler: sigaction still reports the flags and the mask)
  if (act.flags & SA_RESETHAND) k.signals.actions[sig] = { ...act, handler: SIG_DFL };
}

/**
 * A synchronous fault of the running thread: its handler runs at once (registers point at the
 * faulting instruction); blocked, ignored or default → the run ends with 128+sig.
 */
export function forceSignal(
  k: Kernel,
  th: KThread,
  sig: number,
  info: SigInfo,
  trap: { trapno: number; err: number; addr: number },
  reason: string,
): void {
  const act = k.signals.actions[sig]!;
  const blocked = (th.sigmask & bit(sig)) !== 0n;
  if (blocked || act.handler === SIG_DFL || act.handler === SIG_IGN || !hasThreadOps(th.ctx)) {
    k.kill(reason, sig);
    return;
  }
  runHandler(k, th, sig, info, trap);
}

function checkSig(sig: number): void {
  if (sig < 0 || sig > NSIG) throw new SysError(EINVAL);
}

function rt_sigaction(s: Sys, a: readonly bigint[]): number {
  const sig = int(a[0]!);
  const act = ptr(a[1]!);
  const oact = ptr(a[2]!);
  if (size(a[3]!) !== 8) throw new SysError(EINVAL);
  if (sig < 1 || sig > NSIG) throw new SysError(EINVAL);
  if (act !== 0 && (sig === SIGKILL || sig === SIGSTOP)) throw new SysError(EINVAL);
  const x86 = s.k.arch === 'x86_64';
  const sz = x86 ? 32 : 24;
  const maskOff = x86 ? 24 : 16;
  let next: SigAction | null = null;
  if (act !== 0) {
    const r = StructReader.from(s.mem, act, sz);
    next = {
      handler: r.u64(0),
      flags: r.u64(8),
      restorer: x86 ? r.u64(16) : 0n,
      mask: r.u64(maskOff) & ~UNBLOCKABLE,
    };
  }
  const cur = s.k.signals.actions[sig]!;
  if (oact !== 0) {
    const w = new StructWriter(sz).u64(0, cur.handler).u64(8, cur.flags).u64(maskOff, cur.mask);
    if (x86) w.u64(16, cur.restorer);
    w.to(s.mem, oact);
  }
  if (next) {
    s.k.signals.actions[sig] = next;
    // Setting SIG_IGN (or SIG_DFL of an ignored signal) discards it where pending.
    if (ignoredBy(s.k, sig)) {
      s.k.signals.pending &= ~bit(sig);
      for (const th of s.k.sched.threads) th.pending &= ~bit(sig);
    }
  }
  return 0;
}

function rt_sigprocmask(s: Sys, a: readonly bigint[]): number {
  const how = int(a[0]!);
  const set = ptr(a[1]!);
  const oset = ptr(a[2]!);
  if (size(a[3]!) !== 8) throw new SysError(EINVAL);
  let next: bigint | null = null;
  if (set !== 0) {
    const v = StructReader.from(s.mem, set, 8).u64(0);
    const cur = s.th.sigmask;
    if (how === SIG_BLOCK) next = cur | v;
    else if (how === SIG_UNBLOCK) next = cur & ~v;
    else if (how === SIG_SETMASK) next = v;
    else throw new SysError(EINVAL);
  }
  if (oset !== 0) new StructWriter(8).u64(0, s.th.sigmask).to(s.mem, oset);
  if (next !== null) s.th.sigmask = next & ~UNBLOCKABLE;
  return 0;
}

function rt_sigpending(s: Sys, a: readonly bigint[]): number {
  const n = size(a[1]!);
  if (n > 8) throw new SysError(EINVAL);
  const w = new StructWriter(8).u64(0, (s.k.signals.pending | s.th.pending) & s.th.sigmask);
  s.mem.write(ptr(a[0]!), w.bytes.subarray(0, n));
  return 0;
}

/** sigaltstack's view of whether sp is on th's alternate stack (Linux's on_sig_stack). */
function onAltStack(th: KThread, sp: number): boolean {
  const st = th.altstack;
  if (st.size === 0n) return false;
  const base = Number(st.sp);
  return sp > base && sp - base <= Number(st.size);
}

function stackPointer(s: Sys): number | null {
  return hasThreadOps(s.t) ? s.t.stackPointer() : null;
}

/** Apply a new alternate stack (sigaltstack, rt_sigreturn). */
function setAltStack(th: KThread, sp: number | null, flags: number, spAddr: bigint, sz: bigint): void {
  if (sp !== null && onAltStack(th, sp)) throw new SysError(EPERM);
  const mode = flags & ~SS_AUTODISARM;
  if (mode !== 0 && mode !== SS_DISABLE && mode !== SS_ONSTACK) throw new SysError(EINVAL);
  if (mode === SS_DISABLE) th.altstack = { sp: 0n, flags: SS_DISABLE, size: 0n };
  else {
    if (sz < BigInt(MINSIGSTKSZ)) throw new SysError(ENOMEM);
    th.altstack = { sp: spAddr, flags: flags & SS_AUTODISARM, size: sz };
  }
}

function sigaltstack(s: Sys, a: readonly bigint[]): number {
  const ss = ptr(a[0]!);
  const old = ptr(a[1]!);
  const sp = stackPointer(s);
  let next: { flags: number; sp: bigint; size: bigint } | null = null;
  if (ss !== 0) {
    const r = StructReader.from(s.mem, ss, 24);
    next = { sp: r.u64(0), flags: r.i32(8), size: r.u64(16) };
  }
  if (old !== 0) {
    const cur = s.th.altstack;
    let flags = cur.flags;
    if (cur.size !== 0n && sp !== null && onAltStack(s.th, sp)) flags = SS_ONSTACK | (cur.flags & SS_AUTODISARM);
    new StructWriter(24).u64(0, cur.sp).i32(8, flags).u64(16, cur.size).to(s.mem, old);
  }
  if (next) setAltStack(s.th, sp, next.flags, next.sp, next.size);
  return 0;
}

function isSelfPid(pid: number): boolean {
  return pid === PID || pid === 0 || pid === -1 || pid === -PID;
}

function kill(s: Sys, a: readonly bigint[]): number {
  const pid = int(a[0]!);
  const sig = int(a[1]!);
  checkSig(sig);
  if (!isSelfPid(pid)) throw new SysError(ESRCH);
  sendToProcess(s.k, sig, { signo: sig, code: SI_USER, pid: PID, uid: UID });
  return 0;
}

function threadSignal(s: Sys, tgid: number | null, tid: number, sig: number, code = SI_TKILL): number {
  checkSig(sig);
  if (tid <= 0 || (tgid !== null && tgid <= 0)) throw new SysError(EINVAL);
  if (tgid !== null && tgid !== PID) throw new SysError(ESRCH);
  const th = s.k.sched.byId(tid);
  if (!th) throw new SysError(ESRCH);
  sendToThread(s.k, th, sig, { signo: sig, code, pid: PID, uid: UID });
  return 0;
}

function tgkill(s: Sys, a: readonly bigint[]): number {
  return threadSignal(s, int(a[0]!), int(a[1]!), int(a[2]!));
}

function tkill(s: Sys, a: readonly bigint[]): number {
  return threadSignal(s, null, int(a[0]!), int(a[1]!));
}

function rt_sigqueueinfo(s: Sys, a: readonly bigint[]): number {
  const pid = int(a[0]!);
  const sig = int(a[1]!);
  checkSig(sig);
  if (pid !== PID) throw new SysError(ESRCH);
  sendToProcess(s.k, sig, { signo: sig, code: SI_QUEUE, pid: PID, uid: UID });
  return 0;
}

function rt_tgsigqueueinfo(s: Sys, a: readonly bigint[]): number {
  return threadSignal(s, int(a[0]!), int(a[1]!), int(a[2]!), SI_QUEUE);
}

function rt_sigreturn(s: Sys): bigint {
  if (!hasThreadOps(s.t)) {
    s.k.kill('killed by SIGSEGV: rt_sigreturn without a signal frame', SIGSEGV);
    return 0n;
  }
  let r;
  try {
    r = s.t.sigreturn();
  } catch {
    s.k.kill('killed by SIGSEGV: rt_sigreturn with an unreadable signal frame', SIGSEGV);
    return 0n;
  }
  s.th.sigmask = r.mask & ~UNBLOCKABLE;
  try {
    setAltStack(s.th, s.t.stackPointer(), r.altstack.flags, r.altstack.sp, r.altstack.size);
  } catch {
    // restore_altstack ignores errors
  }
  return r.result;
}

function waitForSignal(s: Sys, what: string): number {
  s.k.sched.block(s.th, { what, deadline: null, onTimeout: -BigInt(EINTR), restartable: false, forSignal: true });
  return 0;
}

function pause(s: Sys): number {
  return waitForSignal(s, 'pause');
}

function rt_sigsuspend(s: Sys, a: readonly bigint[]): number {
  if (size(a[1]!) !== 8) throw new SysError(EINVAL);
  const mask = StructReader.from(s.mem, ptr(a[0]!), 8).u64(0) & ~UNBLOCKABLE;
  s.th.savedMask = s.th.sigmask;
  s.th.sigmask = mask;
  return waitForSignal(s, 'rt_sigsuspend');
}

function rt_sigtimedwait(s: Sys, a: readonly bigint[]): number {
  if (size(a[3]!) !== 8) throw new SysError(EINVAL);
  const set = StructReader.from(s.mem, ptr(a[0]!), 8).u64(0) & ~UNBLOCKABLE;
  const info = ptr(a[1]!);
  const tp = ptr(a[2]!);
  const timeout = tp === 0 ? null : readTimespec(s, tp);
  const th = s.th;
  const st = s.k.signals;
  const ready = (th.pending | st.pending) & set;
  if (ready !== 0n) {
    const sig = lowest(ready);
    let si: SigInfo | undefined;
    if (th.pending & bit(sig)) {
      th.pending &= ~bit(sig);
      si = th.pendingInfo.get(sig);
      th.pendingInfo.delete(sig);
    } else {
      st.pending &= ~bit(sig);
      si = st.pendingInfo.get(sig);
      st.pendingInfo.delete(sig);
    }
    if (info !== 0) {
      const w = new StructWriter(128).i32(0, sig).i32(4, 0).i32(8, si?.code ?? SI_TKILL);
      w.i32(16, si?.pid ?? PID).u32(20, si?.uid ?? UID);
      w.to(s.mem, info);
    }
    return sig;
  }
  if (timeout === 0n) throw new SysError(EAGAIN);
  const now = Math.floor(s.t.virtualNanos());
  s.k.sched.block(th, {
    what: 'rt_sigtimedwait',
    deadline: timeout === null ? null : now + Number(timeout),
    onTimeout: -BigInt(EAGAIN),
    restartable: false,
    ready: () => ((th.pending | st.pending) & set) !== 0n,
  });
  return 0;
}

export const signalSyscalls: SyscallGroup = {
  rt_sigaction: [rt_sigaction, 'dppu'],
  rt_sigprocmask: [rt_sigprocmask, 'dppu'],
  rt_sigpending: [rt_sigpending, 'pu'],
  sigaltstack: [sigaltstack, 'pp'],
  kill: [kill, 'dd'],
  tkill: [tkill, 'dd'],
  tgkill: [tgkill, 'ddd'],
  rt_sigqueueinfo: [rt_sigqueueinfo, 'ddp'],
  rt_tgsigqueueinfo: [rt_tgsigqueueinfo, 'dddp'],
  rt_sigreturn: [rt_sigreturn, ''],
  pause: [pause, ''],
  rt_sigsuspend: [rt_sigsuspend, 'pu'],
  rt_sigtimedwait: [rt_sigtimedwait, 'pppu'],
};
