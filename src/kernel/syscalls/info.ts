/**
 * Identity and system information, all fixed (SPEC §3):
 *
 *  - uname: Linux / qvm / 6.1.0 / "#1 SMP QVM" / x86_64 or riscv64 / domainname "(none)";
 *  - uid = euid = suid = 1000, gid = egid = sgid = 1000, no supplementary groups, no privileges;
 *  - resource limits: see defaultRlimits below;
 *  - sysinfo: uptime = virtual seconds, no load, totalram = limits.memoryBytes,
 *    freeram = totalram − resident guest memory, no swap, 1 process.
 */
import type { Limits } from '../types.js';
import { GID, UID, UNAME } from '../constants.js';
import { EINVAL, EPERM, ESRCH, SysError } from '../errno.js';
import { int, ptr, put32, StructReader, StructWriter, uint } from '../guest.js';
import { virtualNs } from './time.js';
import type { Sys, SyscallGroup } from './types.js';

export interface Rlimit {
  cur: bigint;
  max: bigint;
}

export const RLIM_INFINITY = 0xffffffffffffffffn;
export const RLIMIT_NOFILE = 7;
const RLIM_NLIMITS = 16;

/**
 * Fixed resource limits, by resource number:
 *   0 CPU ∞ · 1 FSIZE ∞ · 2 DATA ∞ · 3 STACK 8 MiB / ∞ · 4 CORE 0 / ∞ · 5 RSS ∞ ·
 *   6 NPROC limits.threads · 7 NOFILE limits.openFiles · 8 MEMLOCK 8 MiB · 9 AS ∞ · 10 LOCKS ∞ ·
 *   11 SIGPENDING 4096 · 12 MSGQUEUE 819200 · 13 NICE 0 · 14 RTPRIO 0 · 15 RTTIME ∞
 */
export function defaultRlimits(limits: Limits): Rlimit[] {
  const inf = { cur: RLIM_INFINITY, max: RLIM_INFINITY };
  const fixed = (n: number | bigint): Rlimit => ({ cur: BigInt(n), max: BigInt(n) });
  return [
    { ...inf },
    { ...inf },
    { ...inf },
    { cur: 8n * 1024n * 1024n, max: RLIM_INFINITY },
    { cur: 0n, max: RLIM_INFINITY },
    { ...inf },
    fixed(limits.threads),
    fixed(limits.openFiles),
    fixed(8 * 1024 * 1024),
    { ...inf },
    { ...inf },
    fixed(4096),
    fixed(819200),
    fixed(0),
    fixed(0),
    { ...inf },
  ];
}

function uname(s: Sys, a: readonly bigint[]): number {
  const F = 65;
  const w = new StructWriter(F * 6)
    .str(0, UNAME.sysname, F - 1)
    .str(F, UNAME.nodename, F - 1)
    .str(2 * F, UNAME.release, F - 1)
    .str(3 * F, UNAME.version, F - 1)
    .str(4 * F, s.k.arch, F - 1)
    .str(5 * F, UNAME.domainname, F - 1);
  w.to(s.mem, ptr(a[0]!));
  return 0;
}

function sysinfo(s: Sys, a: readonly bigint[]): number {
  const total = s.k.limits.memoryBytes;
  const free = Math.max(0, total - s.mem.residentPages * 4096);
  new StructWriter(112)
    .i64(0, virtualNs(s) / 1_000_000_000n) // uptime
    .u64(32, total) // totalram
    .u64(40, free) // freeram
    .u16(80, 1) // procs
    .u32(104, 1) // mem_unit
    .to(s.mem, ptr(a[0]!));
  return 0;
}

function writeRlimit(s: Sys, addr: number, r: Rlimit): void {
  new StructWriter(16).u64(0, r.cur).u64(8, r.max).to(s.mem, addr);
}

function setRlimit(s: Sys, res: number, next: Rlimit): void {
  const cur = s.k.rlimits[res]!;
  if (next.cur > next.max) throw new SysError(EINVAL);
  if (next.max > cur.max) throw new SysError(EPERM);
  s.k.rlimits[res] = next;
  if (res === RLIMIT_NOFILE) {
    s.k.fds.max = Math.min(s.k.limits.openFiles, Number(next.cur > 1n << 31n ? 1n << 31n : next.cur));
  }
}

function getrlimit(s: Sys, a: readonly bigint[]): number {
  const res = uint(a[0]!);
  if (res >= RLIM_NLIMITS) throw new SysError(EINVAL);
  writeRlimit(s, ptr(a[1]!), s.k.rlimits[res]!);
  return 0;
}

function setrlimit(s: Sys, a: readonly bigint[]): number {
  const res = uint(a[0]!);
  if (res >= RLIM_NLIMITS) throw new SysError(EINVAL);
  const r = StructReader.from(s.mem, ptr(a[1]!), 16);
  setRlimit(s, res, { cur: r.u64(0), max: r.u64(8) });
  return 0;
}

function prlimit64(s: Sys, a: readonly bigint[]): number {
  const pid = int(a[0]!);
  const res = uint(a[1]!);
  const newp = ptr(a[2]!);
  const oldp = ptr(a[3]!);
  if (pid !== 0 && pid !== 1000 && pid !== s.th.tid) throw new SysError(ESRCH);
  if (res >= RLIM_NLIMITS) throw new SysError(EINVAL);
  let next: Rlimit | null = null;
  if (newp !== 0) {
    const r = StructReader.from(s.mem, newp, 16);
    next = { cur: r.u64(0), max: r.u64(8) };
  }
  if (oldp !== 0) writeRlimit(s, oldp, s.k.rlimits[res]!);
  if (next) setRlimit(s, res, next);
  return 0;
}

function writeIds(s: Sys, a: readonly bigint[], id: number): number {
  for (let i = 0; i < 3; i++) put32(s.mem, ptr(a[i]!), id);
  return 0;
}

/** Without privileges, an id may only be "changed" to the value it already has (-1 = keep). */
function keepId(id: number, ...args: bigint[]): number {
  for (const arg of args) {
    const v = uint(arg);
    if (v !== 0xffffffff && v !== id) throw new SysError(EPERM);
  }
  return 0;
}

export const infoSyscalls: SyscallGroup = {
  uname: [uname, 'p'],
  sysinfo: [sysinfo, 'p'],
  getrlimit: [getrlimit, 'dp'],
  setrlimit: [setrlimit, 'dp'],
  prlimit64: [prlimit64, 'ddpp'],
  getuid: [() => UID, ''],
  geteuid: [() => UID, ''],
  getgid: [() => GID, ''],
  getegid: [() => GID, ''],
  getresuid: [(s, a) => writeIds(s, a, UID), 'ppp'],
  getresgid: [(s, a) => writeIds(s, a, GID), 'ppp'],
  setuid: [(_s, a) => keepId(UID, a[0]!), 'd'],
  setgid: [(_s, a) => keepId(GID, a[0]!), 'd'],
  setreuid: [(_s, a) => keepId(UID, a[0]!, a[1]!), 'dd'],
  setregid: [(_s, a) => keepId(GID, a[0]!, a[1]!), 'dd'],
  setresuid: [(_s, a) => keepId(UID, a[0]!, a[1]!, a[2]!), 'ddd'],
  setresgid: [(_s, a) => keepId(GID, a[0]!, a[1]!, a[2]!), 'ddd'],
  setfsuid: [() => UID, 'd'],
  setfsgid: [() => GID, 'd'],
  getgroups: [(_s, a) => {
    if (int(a[0]!) < 0) throw new SysError(EINVAL);
    return 0;
  }, 'dp'],
  setgroups: [() => {
    throw new SysError(EPERM);
  }, 'dp'],
  sethostname: [() => {
    throw new SysError(EPERM);
  }, 'pu'],
  setdomainname: [() => {
    throw new SysError(EPERM);
  }, 'pu'],
};
