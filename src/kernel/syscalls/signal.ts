/**
 * Signals. For now they are recorded, not delivered to handlers (delivery arrives with threads):
 *
 *  - rt_sigaction, rt_sigprocmask, sigaltstack, rt_sigpending store and report state faithfully;
 *  - a signal sent to the program itself (kill, tkill, tgkill, rt_sigqueueinfo — what raise() and
 *    abort() use) acts at once:
 *      ignored (SIG_IGN, or SIG_DFL of SIGCHLD/SIGCONT/SIGURG/SIGWINCH)  → nothing happens;
 *      stop signals (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU) with SIG_DFL     → ignored (nothing could
 *                                                                          ever continue the program);
 *      blocked                                                           → pending until unblocked;
 *      SIG_DFL (terminate / core)                                        → the run ends: kernel.killed
 *                                                                          = { signal, reason };
 *      a handler installed                                               → the run ends the same way,
 *                                                                          the reason says the handler
 *                                                                          was not run.
 *  - waiting for a signal that can never come (pause, rt_sigsuspend, rt_sigtimedwait without a
 *    timeout) ends the run: "program blocked forever".
 */
import {
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
import { EAGAIN, EINVAL, ENOMEM, ESRCH, SysError } from '../errno.js';
import { int, ptr, size, StructReader, StructWriter } from '../guest.js';
import { readTimespec, sleepFor } from './time.js';
import type { Sys, SyscallGroup } from './types.js';

export interface SigAction {
  handler: bigint;
  flags: bigint;
  restorer: bigint;
  mask: bigint;
}

export interface SignalState {
  /** Index = signal number (1..64). */
  readonly actions: SigAction[];
  /** Signals sent while blocked (bit sig-1). */
  pending: bigint;
}

export function newSignalState(): SignalState {
  const actions: SigAction[] = [];
  for (let i = 0; i <= NSIG; i++) actions.push({ handler: SIG_DFL, flags: 0n, restorer: 0n, mask: 0n });
  return { actions, pending: 0n };
}

const bit = (sig: number): bigint => 1n << BigInt(sig - 1);
const UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);

function defaultIgnored(sig: number): boolean {
  return (
    sig === SIGCHLD || sig === SIGCONT || sig === SIGURG || sig === SIGWINCH ||
    sig === SIGSTOP || sig === SIGTSTP || sig === SIGTTIN || sig === SIGTTOU
  );
}

function ignored(s: Sys, sig: number): boolean {
  if (sig === SIGKILL) return false;
  const h = s.k.signals.actions[sig]!.handler;
  return h === SIG_IGN || (h === SIG_DFL && defaultIgnored(sig));
}

function deliver(s: Sys, sig: number): void {
  const h = s.k.signals.actions[sig]!.handler;
  const name = signalName(sig);
  if (h === SIG_DFL || sig === SIGKILL) {
    s.k.kill(`killed by ${name}`, sig);
  } else {
    s.k.kill(
      `killed by ${name}: a handler is installed (0x${h.toString(16)}) but QVM does not run signal handlers yet`,
      sig,
    );
  }
}

/** Send sig to the calling thread's process (sig already validated; 0 = existence check). */
export function sendSignal(s: Sys, sig: number): void {
  if (sig === 0 || ignored(s, sig)) return;
  if (s.th.sigmask & bit(sig) && !(UNBLOCKABLE & bit(sig))) {
    s.k.signals.pending |= bit(sig);
    return;
  }
  deliver(s, sig);
}

/** Deliver the lowest pending signal that the thread no longer blocks. */
export function deliverPending(s: Sys): void {
  const st = s.k.signals;
  const ready = st.pending & ~s.th.sigmask;
  if (ready === 0n) return;
  for (let sig = 1; sig <= NSIG; sig++) {
    if (ready & bit(sig)) {
      st.pending &= ~bit(sig);
      if (!ignored(s, sig)) {
        deliver(s, sig);
        return;
      }
    }
  }
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
    // Setting SIG_IGN (or SIG_DFL of an ignored signal) discards it if pending.
    if (ignored(s, sig)) s.k.signals.pending &= ~bit(sig);
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
  if (next !== null) {
    s.th.sigmask = next & ~UNBLOCKABLE;
    deliverPending(s);
  }
  return 0;
}

function rt_sigpending(s: Sys, a: readonly bigint[]): number {
  const n = size(a[1]!);
  if (n > 8) throw new SysError(EINVAL);
  const w = new StructWriter(8).u64(0, s.k.signals.pending & s.th.sigmask);
  s.mem.write(ptr(a[0]!), w.bytes.subarray(0, n));
  return 0;
}

function sigaltstack(s: Sys, a: readonly bigint[]): number {
  const ss = ptr(a[0]!);
  const old = ptr(a[1]!);
  let next: { sp: bigint; flags: number; size: bigint } | null = null;
  if (ss !== 0) {
    const r = StructReader.from(s.mem, ss, 24);
    const flags = r.i32(8);
    const mode = flags & ~SS_AUTODISARM;
    if (mode !== 0 && mode !== SS_DISABLE && mode !== SS_ONSTACK) throw new SysError(EINVAL);
    if (mode === SS_DISABLE) next = { sp: 0n, flags: SS_DISABLE, size: 0n };
    else {
      const sz = r.u64(16);
      if (sz < BigInt(MINSIGSTKSZ)) throw new SysError(ENOMEM);
      next = { sp: r.u64(0), flags: flags & SS_AUTODISARM, size: sz };
    }
  }
  if (old !== 0) {
    const cur = s.th.altstack;
    new StructWriter(24).u64(0, cur.sp).i32(8, cur.flags).u64(16, cur.size).to(s.mem, old);
  }
  if (next) s.th.altstack = next;
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
  sendSignal(s, sig);
  return 0;
}

function threadSignal(s: Sys, tgid: number | null, tid: number, sig: number): number {
  checkSig(sig);
  if (tid <= 0 || (tgid !== null && tgid <= 0)) throw new SysError(EINVAL);
  if ((tgid !== null && tgid !== PID) || tid !== s.th.tid) throw new SysError(ESRCH);
  sendSignal(s, sig);
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
  sendSignal(s, sig);
  return 0;
}

function rt_tgsigqueueinfo(s: Sys, a: readonly bigint[]): number {
  return threadSignal(s, int(a[0]!), int(a[1]!), int(a[2]!));
}

function rt_sigreturn(s: Sys): number {
  s.k.kill('killed by SIGSEGV: rt_sigreturn without a signal frame', SIGSEGV);
  return 0;
}

function blockedForever(s: Sys, what: string): number {
  s.k.kill(`program blocked forever in ${what}`, 0);
  return 0;
}

function pause(s: Sys): number {
  return blockedForever(s, 'pause');
}

function rt_sigsuspend(s: Sys, a: readonly bigint[]): number {
  if (size(a[1]!) !== 8) throw new SysError(EINVAL);
  const mask = StructReader.from(s.mem, ptr(a[0]!), 8).u64(0) & ~UNBLOCKABLE;
  const saved = s.th.sigmask;
  s.th.sigmask = mask;
  deliverPending(s);
  s.th.sigmask = saved;
  if (s.k.killed) return 0;
  return blockedForever(s, 'rt_sigsuspend');
}

function rt_sigtimedwait(s: Sys, a: readonly bigint[]): number {
  if (size(a[3]!) !== 8) throw new SysError(EINVAL);
  const set = StructReader.from(s.mem, ptr(a[0]!), 8).u64(0) & ~UNBLOCKABLE;
  const info = ptr(a[1]!);
  const tp = ptr(a[2]!);
  const timeout = tp === 0 ? null : readTimespec(s, tp);
  const ready = s.k.signals.pending & set;
  if (ready !== 0n) {
    let sig = 1;
    while (!(ready & bit(sig))) sig++;
    s.k.signals.pending &= ~bit(sig);
    if (info !== 0) {
      // siginfo_t: si_signo, si_errno, si_code (SI_TKILL = -6), si_pid, si_uid
      new StructWriter(128).i32(0, sig).i32(4, 0).i32(8, -6).i32(16, PID).u32(20, UID).to(s.mem, info);
    }
    return sig;
  }
  if (timeout === null) return blockedForever(s, 'rt_sigtimedwait');
  sleepFor(s, timeout);
  throw new SysError(EAGAIN);
}

export const signalSyscalls: SyscallGroup = {
  rt_sigaction,
  rt_sigprocmask,
  rt_sigpending,
  sigaltstack,
  kill,
  tkill,
  tgkill,
  rt_sigqueueinfo,
  rt_tgsigqueueinfo,
  rt_sigreturn,
  pause,
  rt_sigsuspend,
  rt_sigtimedwait,
};

