/**
 * Process and thread system calls: exit, ids, thread bookkeeping (set_tid_address, robust lists,
 * arch_prctl), prctl, process creation (refused for now), scheduling, resource usage.
 *
 * Process creation: QVM runs exactly one program. fork and vfork return EAGAIN (the
 * "process limit reached" answer, which libc reports as a normal failure of fork()); clone makes
 * threads only (threads.ts); clone3 returns ENOSYS so libc falls back to clone; execve and execveat are not
 * implemented (ENOSYS, listed in unknownSyscalls). wait4/waitid return ECHILD.
 */
import { PID, PPID } from '../constants.js';
import { EAGAIN, ECHILD, EINVAL, ENODEV, ENOSYS, EPERM, ESRCH, SysError } from '../errno.js';
import { int, ptr, put32, put64, size, StructWriter, uint, latin1 } from '../guest.js';
import { cpuNs } from './time.js';
import type { Sys, SyscallGroup } from './types.js';

// ------------------------------------------------------------------ exit

// exit and exit_group: see threads.ts

// ------------------------------------------------------------------ ids

function isSelf(s: Sys, pid: number): boolean {
  return pid === 0 || pid === PID || pid === s.th.tid;
}

function getpgid(s: Sys, a: readonly bigint[]): number {
  if (!isSelf(s, int(a[0]!))) throw new SysError(ESRCH);
  return PID;
}

function setpgid(s: Sys, a: readonly bigint[]): number {
  const pid = int(a[0]!);
  const pgid = int(a[1]!);
  if (pgid < 0) throw new SysError(EINVAL);
  if (!isSelf(s, pid)) throw new SysError(ESRCH);
  if (pgid !== 0 && pgid !== PID) throw new SysError(EPERM);
  return 0;
}

// ------------------------------------------------------------------ thread bookkeeping

function set_tid_address(s: Sys, a: readonly bigint[]): number {
  s.th.clearChildTid = ptr(a[0]!);
  return s.th.tid;
}

function set_robust_list(s: Sys, a: readonly bigint[]): number {
  if (size(a[1]!) !== 24) throw new SysError(EINVAL);
  s.th.robustList = a[0]!;
  s.th.robustLen = a[1]!;
  return 0;
}

function get_robust_list(s: Sys, a: readonly bigint[]): number {
  if (!isSelf(s, int(a[0]!))) throw new SysError(ESRCH);
  put64(s.mem, ptr(a[1]!), s.th.robustList);
  put64(s.mem, ptr(a[2]!), s.th.robustLen);
  return 0;
}

const ARCH_SET_GS = 0x1001;
const ARCH_SET_FS = 0x1002;
const ARCH_GET_FS = 0x1003;
const ARCH_GET_GS = 0x1004;
const ARCH_GET_CPUID = 0x1011;
const ARCH_SET_CPUID = 0x1012;

function arch_prctl(s: Sys, a: readonly bigint[]): number {
  const code = int(a[0]!);
  const addr = BigInt.asUintN(64, a[1]!);
  const canonical = addr < 1n << 47n;
  switch (code) {
    case ARCH_SET_FS:
      if (!canonical) throw new SysError(EPERM);
      s.t.setThreadPointer(Number(addr));
      return 0;
    case ARCH_SET_GS:
      if (!canonical) throw new SysError(EPERM);
      s.t.setGsBase(Number(addr));
      return 0;
    case ARCH_GET_FS:
      put64(s.mem, ptr(addr), s.t.getThreadPointer());
      return 0;
    case ARCH_GET_GS:
      put64(s.mem, ptr(addr), s.t.getGsBase());
      return 0;
    case ARCH_GET_CPUID:
      return 1; // CPUID does not fault
    case ARCH_SET_CPUID:
      throw new SysError(ENODEV); // CPUID faulting is not available
    default:
      // ARCH_CET_STATUS, ARCH_GET_XCOMP_*, ARCH_MAP_VDSO_*, ARCH_SHSTK_*, …
      throw new SysError(EINVAL);
  }
}

const PR_SET_PDEATHSIG = 1;
const PR_GET_PDEATHSIG = 2;
const PR_GET_DUMPABLE = 3;
const PR_SET_DUMPABLE = 4;
const PR_GET_KEEPCAPS = 7;
const PR_SET_KEEPCAPS = 8;
const PR_SET_NAME = 15;
const PR_GET_NAME = 16;
const PR_GET_SECCOMP = 21;
const PR_CAPBSET_READ = 23;
const PR_SET_TIMERSLACK = 29;
const PR_GET_TIMERSLACK = 30;
const PR_MCE_KILL = 33;
const PR_MCE_KILL_GET = 34;
const PR_SET_CHILD_SUBREAPER = 36;
const PR_GET_CHILD_SUBREAPER = 37;
const PR_SET_NO_NEW_PRIVS = 38;
const PR_GET_NO_NEW_PRIVS = 39;
const PR_GET_TID_ADDRESS = 40;
const PR_SET_THP_DISABLE = 41;
const PR_GET_THP_DISABLE = 42;
const PR_CAP_AMBIENT = 47;
const PR_GET_SPECULATION_CTRL = 52;
const PR_SET_VMA = 0x53564d41;

function prctl(s: Sys, a: readonly bigint[]): number {
  const option = int(a[0]!);
  const arg2 = a[1]!;
  switch (option) {
    case PR_SET_PDEATHSIG: {
      const sig = int(arg2);
      if (sig < 0 || sig > 64) throw new SysError(EINVAL);
      return 0;
    }
    case PR_GET_PDEATHSIG:
      put32(s.mem, ptr(arg2), 0);
      return 0;
    case PR_GET_DUMPABLE:
      return s.k.misc.dumpable;
    case PR_SET_DUMPABLE:
      if (arg2 !== 0n && arg2 !== 1n) throw new SysError(EINVAL);
      s.k.misc.dumpable = Number(arg2);
      return 0;
    case PR_GET_KEEPCAPS:
      return 0;
    case PR_SET_KEEPCAPS:
      if (arg2 > 1n) throw new SysError(EINVAL);
      return 0;
    case PR_SET_NAME: {
      const raw = s.mem.read(ptr(arg2), 16);
      const end = raw.indexOf(0);
      s.th.name = latin1(raw.subarray(0, Math.min(15, end < 0 ? 15 : end)));
      return 0;
    }
    case PR_GET_NAME: {
      const w = new StructWriter(16).str(0, s.th.name, 15);
      w.to(s.mem, ptr(arg2));
      return 0;
    }
    case PR_GET_SECCOMP:
      return 0;
    case PR_CAPBSET_READ: {
      const cap = int(arg2);
      if (cap < 0 || cap > 40) throw new SysError(EINVAL);
      return 1;
    }
    case PR_SET_TIMERSLACK:
      return 0;
    case PR_GET_TIMERSLACK:
      return 50_000;
    case PR_MCE_KILL:
    case PR_MCE_KILL_GET:
    case PR_SET_CHILD_SUBREAPER:
    case PR_SET_THP_DISABLE:
    case PR_GET_THP_DISABLE:
    case PR_GET_SPECULATION_CTRL:
    case PR_SET_VMA:
      return 0;
    case PR_GET_CHILD_SUBREAPER:
      put32(s.mem, ptr(arg2), 0);
      return 0;
    case PR_SET_NO_NEW_PRIVS:
      if (arg2 !== 1n) throw new SysError(EINVAL);
      s.k.misc.noNewPrivs = 1;
      return 0;
    case PR_GET_NO_NEW_PRIVS:
      return s.k.misc.noNewPrivs;
    case PR_GET_TID_ADDRESS:
      put64(s.mem, ptr(arg2), s.th.clearChildTid);
      return 0;
    case PR_CAP_AMBIENT: {
      const op = int(arg2);
      if (op === 1 /* IS_SET */ || op === 4 /* CLEAR_ALL */) return 0;
      throw new SysError(EPERM);
    }
    default:
      throw new SysError(EINVAL);
  }
}

// ------------------------------------------------------------------ process creation

function eagain(): number {
  throw new SysError(EAGAIN);
}

function enosys(): number {
  throw new SysError(ENOSYS);
}

function wait4(): number {
  throw new SysError(ECHILD);
}

// ------------------------------------------------------------------ scheduling

function checkSelf(s: Sys, pid: number): void {
  if (pid < 0) throw new SysError(EINVAL);
  if (!isSelf(s, pid)) throw new SysError(ESRCH);
}

function sched_getaffinity(s: Sys, a: readonly bigint[]): number {
  checkSelf(s, int(a[0]!));
  const len = size(a[1]!);
  if (len < 8 || len % 8 !== 0) throw new SysError(EINVAL);
  // One CPU: CPU 0.
  new StructWriter(8).u8(0, 1).to(s.mem, ptr(a[2]!));
  return 8;
}

function sched_setaffinity(s: Sys, a: readonly bigint[]): number {
  checkSelf(s, int(a[0]!));
  const len = size(a[1]!);
  if (len === 0) throw new SysError(EINVAL);
  const first = s.mem.read(ptr(a[2]!), 1)[0]!;
  if ((first & 1) === 0) throw new SysError(EINVAL);
  return 0;
}

const SCHED_OTHER = 0;
const SCHED_FIFO = 1;
const SCHED_RR = 2;
const SCHED_BATCH = 3;
const SCHED_IDLE = 5;
const SCHED_DEADLINE = 6;

/**
 * Linux's scheduling policies: their static priority range, and whether an unprivileged process
 * may switch to them (the real-time ones and SCHED_DEADLINE need CAP_SYS_NICE: EPERM).
 */
const SCHED_POLICIES: ReadonlyMap<number, { min: number; max: number; settable: boolean }> = new Map([
  [SCHED_OTHER, { min: 0, max: 0, settable: true }],
  [SCHED_FIFO, { min: 1, max: 99, settable: false }],
  [SCHED_RR, { min: 1, max: 99, settable: false }],
  [SCHED_BATCH, { min: 0, max: 0, settable: true }],
  [SCHED_IDLE, { min: 0, max: 0, settable: true }],
  [SCHED_DEADLINE, { min: 0, max: 0, settable: false }],
]);

function policy(p: number): { min: number; max: number; settable: boolean } {
  const known = SCHED_POLICIES.get(p);
  if (!known) throw new SysError(EINVAL);
  return known;
}

function sched_getscheduler(s: Sys, a: readonly bigint[]): number {
  checkSelf(s, int(a[0]!));
  return SCHED_OTHER;
}

function sched_setscheduler(s: Sys, a: readonly bigint[]): number {
  checkSelf(s, int(a[0]!));
  const wanted = int(a[1]!) & ~0x40000000; // SCHED_RESET_ON_FORK
  const prio = s.mem.read32(ptr(a[2]!));
  if (!policy(wanted).settable) throw new SysError(EPERM);
  if (prio !== 0) throw new SysError(EINVAL);
  return 0;
}

function sched_getparam(s: Sys, a: readonly bigint[]): number {
  checkSelf(s, int(a[0]!));
  put32(s.mem, ptr(a[1]!), 0);
  return 0;
}

function sched_setparam(s: Sys, a: readonly bigint[]): number {
  checkSelf(s, int(a[0]!));
  if (s.mem.read32(ptr(a[1]!)) !== 0) throw new SysError(EINVAL);
  return 0;
}

const sched_get_priority_max = (_s: Sys, a: readonly bigint[]): number => policy(int(a[0]!)).max;
const sched_get_priority_min = (_s: Sys, a: readonly bigint[]): number => policy(int(a[0]!)).min;

/** getpriority/setpriority's target: PRIO_PROCESS/PGRP (0 or our pid), PRIO_USER (0 or our uid). */
function checkPriorityTarget(a: readonly bigint[]): void {
  const which = int(a[0]!);
  const who = int(a[1]!);
  if (which < 0 || which > 2) throw new SysError(EINVAL);
  if (who !== 0 && who !== PID && !(which === 2 && who === 1000)) throw new SysError(ESRCH);
}

function getpriority(s: Sys, a: readonly bigint[]): number {
  checkPriorityTarget(a);
  return 20 - s.k.misc.nice; // the raw system call returns 20 - nice
}

function setpriority(s: Sys, a: readonly bigint[]): number {
  checkPriorityTarget(a);
  const nice = Math.max(-20, Math.min(19, int(a[2]!)));
  if (nice < s.k.misc.nice) throw new SysError(13 /* EACCES: lowering nice needs privileges */);
  s.k.misc.nice = nice;
  return 0;
}

function getcpu(s: Sys, a: readonly bigint[]): number {
  const cpu = ptr(a[0]!);
  const node = ptr(a[1]!);
  if (cpu !== 0) put32(s.mem, cpu, 0);
  if (node !== 0) put32(s.mem, node, 0);
  return 0;
}

function personality(s: Sys, a: readonly bigint[]): number {
  const p = uint(a[0]!);
  const old = s.k.misc.personality;
  if (p !== 0xffffffff) s.k.misc.personality = p;
  return old;
}

function membarrier(_s: Sys, a: readonly bigint[]): number {
  const cmd = int(a[0]!);
  if (cmd === 0) return 0; // MEMBARRIER_CMD_QUERY: no commands supported (one CPU)
  throw new SysError(EINVAL);
}

// ------------------------------------------------------------------ resource usage

function getrusage(s: Sys, a: readonly bigint[]): number {
  const who = int(a[0]!);
  if (who !== 0 && who !== 1 && who !== -1) throw new SysError(EINVAL);
  const w = new StructWriter(144);
  if (who !== -1) {
    const cpu = cpuNs(s);
    w.i64(0, cpu / 1_000_000_000n).i64(8, (cpu % 1_000_000_000n) / 1000n);
    w.i64(32, s.mem.residentPages * 4); // ru_maxrss in KiB (resident now)
    w.i64(64, s.mem.touchedPagesTotal); // ru_minflt
  }
  w.to(s.mem, ptr(a[1]!));
  return 0;
}

export const processSyscalls: SyscallGroup = {
  getpid: [() => PID, ''],
  getppid: [() => PPID, ''],
  gettid: [(s) => s.th.tid, ''],
  getpgrp: [() => PID, ''],
  getpgid: [getpgid, 'd'],
  getsid: [getpgid, 'd'],
  setpgid: [setpgid, 'dd'],
  setsid: [() => {
    throw new SysError(EPERM); // already a process group leader
  }, ''],
  set_tid_address: [set_tid_address, 'p'],
  set_robust_list: [set_robust_list, 'pu'],
  get_robust_list: [get_robust_list, 'dpp'],
  arch_prctl: [arch_prctl, 'xp'],
  prctl: [prctl, 'dxxxx'],
  rseq: [enosys, 'pudx'],
  fork: [eagain, ''],
  vfork: [eagain, ''],
  clone3: [enosys, 'pu'], // libc falls back to clone (threads.ts)
  wait4: [wait4, 'dpdp'],
  waitid: [wait4, 'ddpxp'],
  restart_syscall: [() => {
    throw new SysError(4 /* EINTR: nothing is ever interrupted, so there is nothing to restart */);
  }, ''],
  sched_getaffinity: [sched_getaffinity, 'dup'],
  sched_setaffinity: [sched_setaffinity, 'dup'],
  sched_getscheduler: [sched_getscheduler, 'd'],
  sched_setscheduler: [sched_setscheduler, 'ddp'],
  sched_getparam: [sched_getparam, 'dp'],
  sched_setparam: [sched_setparam, 'dp'],
  sched_get_priority_max: [sched_get_priority_max, 'd'],
  sched_get_priority_min: [sched_get_priority_min, 'd'],
  getpriority: [getpriority, 'dd'],
  setpriority: [setpriority, 'ddd'],
  getcpu: [getcpu, 'ppp'],
  personality: [personality, 'x'],
  membarrier: [membarrier, 'dxd'],
  getrusage: [getrusage, 'dp'],
};
