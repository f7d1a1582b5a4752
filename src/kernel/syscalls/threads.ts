/**
 * Threads: clone (threads only), exit vs exit_group, futex, sched_yield, and the sleeps that block
 * a thread in virtual time (nanosleep, clock_nanosleep).
 *
 * clone creates a thread when the flags ask for one (CLONE_VM | CLONE_THREAD | CLONE_SIGHAND, as
 * glibc, musl, Go and Rust pass them, with CLONE_SETTLS, CLONE_PARENT_SETTID, CLONE_CHILD_SETTID,
 * CLONE_CHILD_CLEARTID honoured). A new process (fork, vfork, clone without CLONE_VM or without
 * CLONE_THREAD) is refused with EAGAIN: a contract is one process. At most limits.threads threads
 * are alive at once (EAGAIN beyond). The new thread is runnable and waits for its turn in the
 * round-robin order of the scheduler (sched.ts).
 *
 * futex supports WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, WAIT_BITSET and WAKE_BITSET, with or
 * without FUTEX_PRIVATE_FLAG (there is one process, so private and shared futexes are the same)
 * and FUTEX_CLOCK_REALTIME; timeouts are in virtual time. Waiters are woken in FIFO order. The
 * priority-inheritance operations answer ENOSYS.
 */
import { SysError, EAGAIN, EFAULT, EINVAL, ENOSYS, ETIMEDOUT } from '../errno.js';
import { checkWritable, int, ptr, put32, StructReader, StructWriter } from '../guest.js';
import { sendToProcess } from './signal.js';
import { hasThreadOps } from '../types.js';
import { SIGALRM, CLOCK_REALTIME, TIMER_ABSTIME, CLOCK_THREAD_CPUTIME_ID, CLOCK_PROCESS_CPUTIME_ID } from '../constants.js';
import { readTimespec, sleepFor } from './time.js';
import type { Sys, SyscallGroup } from './types.js';

const CLONE_VM = 0x100;
const CLONE_SIGHAND = 0x800;
const CLONE_VFORK = 0x4000;
const CLONE_THREAD = 0x10000;
const CLONE_SETTLS = 0x80000;
const CLONE_PARENT_SETTID = 0x100000;
const CLONE_CHILD_CLEARTID = 0x200000;
const CLONE_CHILD_SETTID = 0x1000000;

const NS = 1_000_000_000n;

// ------------------------------------------------------------------ clone / exit

function clone(s: Sys, a: readonly bigint[]): number {
  const flags = Number(a[0]! & 0xffffffffn);
  if (!(flags & CLONE_VM) || !(flags & CLONE_THREAD) || flags & CLONE_VFORK) {
    throw new SysError(EAGAIN); // a new process: a contract is one process
  }
  if (!(flags & CLONE_SIGHAND)) throw new SysError(EINVAL);
  if (!hasThreadOps(s.t)) throw new SysError(EAGAIN);
  const k = s.k;
  if (k.sched.live() >= k.limits.threads) throw new SysError(EAGAIN);
  const stack = ptr(a[1]!);
  const ptid = ptr(a[2]!);
  // riscv64 (like most asm-generic architectures) passes tls before ctid; x86-64 the other way round
  const tlsFirst = s.k.arch === 'riscv64';
  const ctid = ptr(a[tlsFirst ? 4 : 3]!);
  let tls: number | null = null;
  if (flags & CLONE_SETTLS) {
    const t = BigInt.asUintN(64, a[tlsFirst ? 3 : 4]!);
    if (t >= 1n << 47n) throw new SysError(EINVAL);
    tls = Number(t);
  }
  if (flags & CLONE_PARENT_SETTID) checkWritable(s.mem, ptid, 4);
  if (flags & CLONE_CHILD_SETTID) checkWritable(s.mem, ctid, 4);
  const child = k.sched.add(s.t.cloneThread(stack, tls));
  child.sigmask = s.th.sigmask;
  child.name = s.th.name;
  if (flags & CLONE_CHILD_CLEARTID) child.clearChildTid = ctid;
  if (flags & CLONE_PARENT_SETTID) put32(s.mem, ptid, child.tid);
  if (flags & CLONE_CHILD_SETTID) put32(s.mem, ctid, child.tid);
  return child.tid;
}

function exit(s: Sys, a: readonly bigint[]): number {
  s.k.sched.exitThread(s.th, int(a[0]!));
  return 0;
}

function exit_group(s: Sys, a: readonly bigint[]): number {
  s.k.exit(int(a[0]!));
  return 0;
}

function sched_yield(s: Sys): number {
  s.th.yielded = true;
  return 0;
}

// ------------------------------------------------------------------ sleeping

/** Block the thread until virtual time `deadline` (a machine with threads), or skip the time. */
function sleepUntil(s: Sys, what: string, ns: bigint, absoluteMonotonic: bigint | null): number {
  const now = Math.floor(s.t.virtualNanos());
  const deadline = absoluteMonotonic !== null ? absoluteMonotonic : BigInt(now) + ns;
  if (deadline <= BigInt(now)) return 0;
  if (!hasThreadOps(s.t)) {
    sleepFor(s, deadline - BigInt(now));
    return 0;
  }
  const d = deadline > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(deadline);
  s.k.sched.block(s.th, { what, deadline: d, onTimeout: 0n, restartable: false });
  return 0;
}

function nanosleep(s: Sys, a: readonly bigint[]): number {
  return sleepUntil(s, 'nanosleep', readTimespec(s, ptr(a[0]!)), null);
}

function clock_nanosleep(s: Sys, a: readonly bigint[]): number {
  const id = int(a[0]!);
  const flags = int(a[1]!);
  if (id === CLOCK_THREAD_CPUTIME_ID) throw new SysError(EINVAL);
  if (id === CLOCK_PROCESS_CPUTIME_ID) throw new SysError(95 /* EOPNOTSUPP */);
  const req = readTimespec(s, ptr(a[2]!));
  if (!(flags & TIMER_ABSTIME)) {
    clockCheck(id);
    return sleepUntil(s, 'clock_nanosleep', req, null);
  }
  return sleepUntil(s, 'clock_nanosleep', 0n, toMonotonic(s, id, req));
}

function clockCheck(id: number): void {
  if (id < 0 || id > 11 || id === 2 || id === 3 || id === 10) throw new SysError(EINVAL);
}

/** An absolute time on clock `id` as virtual monotonic ns. */
function toMonotonic(s: Sys, id: number, t: bigint): bigint {
  clockCheck(id);
  const realtime = id === CLOCK_REALTIME || id === 5 /* REALTIME_COARSE */ || id === 8 /* REALTIME_ALARM */ || id === 11 /* TAI */;
  return realtime ? t - s.k.block.timestamp * NS : t;
}

// ------------------------------------------------------------------ futex

const FUTEX_WAIT = 0;
const FUTEX_WAKE = 1;
const FUTEX_REQUEUE = 3;
const FUTEX_CMP_REQUEUE = 4;
const FUTEX_WAKE_OP = 5;
const FUTEX_WAIT_BITSET = 9;
const FUTEX_WAKE_BITSET = 10;
const FUTEX_PRIVATE_FLAG = 128;
const FUTEX_CLOCK_REALTIME = 256;
const FUTEX_BITSET_MATCH_ANY = 0xffffffff;

function futexWord(s: Sys, addr: number): number {
  if (addr % 4 !== 0) throw new SysError(EINVAL);
  try {
    return s.mem.read32(addr) >>> 0;
  } catch {
    throw new SysError(EFAULT);
  }
}

function futexWait(s: Sys, addr: number, val: number, deadline: bigint | null, bitset: number): number {
  if (bitset === 0) throw new SysError(EINVAL);
  if (futexWord(s, addr) !== val >>> 0) throw new SysError(EAGAIN);
  const now = BigInt(Math.floor(s.t.virtualNanos()));
  if (deadline !== null && deadline <= now) throw new SysError(ETIMEDOUT);
  const d = deadline === null ? null : deadline > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(deadline);
  s.k.sched.block(s.th, {
    what: 'futex',
    deadline: d,
    onTimeout: -BigInt(ETIMEDOUT),
    restartable: d === null,
    futex: { addr, bitset: bitset >>> 0 },
  });
  return 0;
}

/** FUTEX_WAKE_OP: *addr2 = op(*addr2, oparg); wake addr; if cmp(old, cmparg) also wake addr2. */
function futexWakeOp(s: Sys, addr: number, n: number, n2: number, addr2: number, val3: number): number {
  const op = (val3 >>> 28) & 7;
  const shift = (val3 >>> 28) & 8;
  const cmp = (val3 >>> 24) & 15;
  let oparg = (val3 << 8) >> 20; // signed 12 bits
  const cmparg = (val3 << 20) >> 20;
  if (shift) oparg = 1 << (oparg & 31);
  const old = futexWord(s, addr2) | 0;
  let nv: number;
  switch (op) {
    case 0: nv = oparg; break; // SET
    case 1: nv = old + oparg; break; // ADD
    case 2: nv = old | oparg; break; // OR
    case 3: nv = old & ~oparg; break; // ANDN
    case 4: nv = old ^ oparg; break; // XOR
    default: throw new SysError(ENOSYS);
  }
  s.mem.write32(addr2, nv >>> 0);
  let woken = s.k.sched.futexWake(addr, n);
  let hit: boolean;
  switch (cmp) {
    case 0: hit = old === cmparg; break;
    case 1: hit = old !== cmparg; break;
    case 2: hit = old < cmparg; break;
    case 3: hit = old <= cmparg; break;
    case 4: hit = old > cmparg; break;
    case 5: hit = old >= cmparg; break;
    default: throw new SysError(ENOSYS);
  }
  if (hit) woken += s.k.sched.futexWake(addr2, n2);
  return woken;
}

function futex(s: Sys, a: readonly bigint[]): number {
  const addr = ptr(a[0]!);
  const opFull = int(a[1]!);
  const cmd = opFull & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  const val = Number(a[2]! & 0xffffffffn);
  const val3 = Number(a[5]! & 0xffffffffn);
  const sched = s.k.sched;
  if (opFull & FUTEX_CLOCK_REALTIME && cmd !== FUTEX_WAIT_BITSET && cmd !== FUTEX_WAIT) throw new SysError(ENOSYS);
  switch (cmd) {
    case FUTEX_WAIT: {
      const tp = ptr(a[3]!);
      const deadline = tp === 0 ? null : BigInt(Math.floor(s.t.virtualNanos())) + readTimespec(s, tp);
      return futexWait(s, addr, val, deadline, FUTEX_BITSET_MATCH_ANY);
    }
    case FUTEX_WAIT_BITSET: {
      const tp = ptr(a[3]!);
      let deadline: bigint | null = null;
      if (tp !== 0) {
        const t = readTimespec(s, tp);
        deadline = opFull & FUTEX_CLOCK_REALTIME ? t - s.k.block.timestamp * NS : t;
      }
      return futexWait(s, addr, val, deadline, val3);
    }
    case FUTEX_WAKE:
      if (addr % 4 !== 0) throw new SysError(EINVAL);
      return sched.futexWake(addr, val);
    case FUTEX_WAKE_BITSET:
      if (addr % 4 !== 0) throw new SysError(EINVAL);
      if (val3 === 0) throw new SysError(EINVAL);
      return sched.futexWake(addr, val, val3);
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: {
      const addr2 = ptr(a[4]!);
      const n2 = Number(a[3]! & 0x7fffffffn);
      if (addr % 4 !== 0 || addr2 % 4 !== 0) throw new SysError(EINVAL);
      if (cmd === FUTEX_CMP_REQUEUE && futexWord(s, addr) !== val3) throw new SysError(EAGAIN);
      const woken = sched.futexWake(addr, val);
      const moved = sched.futexRequeue(addr, addr2, n2);
      return cmd === FUTEX_CMP_REQUEUE ? woken + moved : woken;
    }
    case FUTEX_WAKE_OP: {
      const addr2 = ptr(a[4]!);
      if (addr % 4 !== 0 || addr2 % 4 !== 0) throw new SysError(EINVAL);
      return futexWakeOp(s, addr, val, Number(a[3]! & 0x7fffffffn), addr2, val3);
    }
    default:
      throw new SysError(ENOSYS); // PI futexes, FUTEX_WAIT_REQUEUE_PI, …
  }
}

export const threadSyscalls: SyscallGroup = {
  clone: [clone, 'xpppp'],
  exit: [exit, 'd'],
  exit_group: [exit_group, 'd'],
  sched_yield: [sched_yield, ''],
  nanosleep: [nanosleep, 'pp'],
  clock_nanosleep: [clock_nanosleep, 'dxpp'],
  futex: [futex, 'pdxppx'],
  getitimer: [getitimer, 'dp'],
  setitimer: [setitimer, 'dpp'],
  alarm: [alarm, 'u'],
};

// ------------------------------------------------------------------ interval timers

const ITIMER_REAL = 0;
const ITIMER_VIRTUAL = 1;
const ITIMER_PROF = 2;
const US = 1000n;

function timerState(s: Sys): { value: bigint; interval: bigint } {
  const t = s.k.sched.realTimer;
  if (!t) return { value: 0n, interval: 0n };
  const left = BigInt(Math.max(1, t.at - Math.floor(s.t.virtualNanos())));
  return { value: left, interval: BigInt(t.interval) };
}

/** Arm ITIMER_REAL: SIGALRM to the process after `value` ns, then every `interval` ns. */
function armReal(s: Sys, value: bigint, interval: bigint): void {
  if (value === 0n) {
    s.k.sched.realTimer = null;
    return;
  }
  const k = s.k;
  const at = Math.min(Number.MAX_SAFE_INTEGER, Math.floor(s.t.virtualNanos()) + Number(value));
  k.sched.realTimer = {
    at,
    interval: Number(interval),
    fire: () => sendToProcess(k, SIGALRM, { signo: SIGALRM, code: 0x80 /* SI_KERNEL */ }),
  };
}

function readTimeval(s: Sys, addr: number): bigint {
  const r = StructReader.from(s.mem, addr, 16);
  const sec = r.i64(0);
  const usec = r.i64(8);
  if (sec < 0n || usec < 0n || usec >= 1_000_000n) throw new SysError(EINVAL);
  return sec * NS + usec * US;
}

function writeItimerval(s: Sys, addr: number, st: { value: bigint; interval: bigint }): void {
  const up = (ns: bigint): bigint => (ns + US - 1n) / US; // round up to microseconds
  const iv = up(st.interval);
  const v = up(st.value);
  new StructWriter(32).i64(0, iv / 1_000_000n).i64(8, iv % 1_000_000n).i64(16, v / 1_000_000n).i64(24, v % 1_000_000n).to(s.mem, addr);
}

/** getitimer/setitimer: ITIMER_REAL runs in virtual time; the CPU-time timers are refused (EINVAL). */
function which(a: bigint): void {
  const w = int(a);
  if (w === ITIMER_VIRTUAL || w === ITIMER_PROF) throw new SysError(EINVAL);
  if (w !== ITIMER_REAL) throw new SysError(EINVAL);
}

function getitimer(s: Sys, a: readonly bigint[]): number {
  which(a[0]!);
  writeItimerval(s, ptr(a[1]!), timerState(s));
  return 0;
}

function setitimer(s: Sys, a: readonly bigint[]): number {
  which(a[0]!);
  const nv = ptr(a[1]!);
  const ov = ptr(a[2]!);
  let next: { value: bigint; interval: bigint } | null = null;
  if (nv !== 0) next = { interval: readTimeval(s, nv), value: readTimeval(s, nv + 16) };
  if (ov !== 0) writeItimerval(s, ov, timerState(s));
  if (next) armReal(s, next.value, next.interval);
  return 0;
}

function alarm(s: Sys, a: readonly bigint[]): number {
  const secs = BigInt(Number(a[0]! & 0xffffffffn));
  const old = timerState(s).value;
  armReal(s, secs * NS, 0n);
  return Number((old + NS / 2n) / NS) || (old > 0n ? 1 : 0);
}
