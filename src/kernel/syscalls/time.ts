/**
 * Time system calls, answered from the block and the run's virtual clock (SPEC §3):
 *
 *  - CLOCK_REALTIME (and _COARSE, _ALARM, TAI) = block.timestamp s + virtual ns of this run;
 *  - CLOCK_MONOTONIC (and _RAW, _COARSE, BOOTTIME, BOOTTIME_ALARM) = virtual ns since the run
 *    started: the monotonic origin is 0 at the first instruction;
 *  - CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID = virtual ns spent running instructions
 *    (virtual time minus slept time);
 *  - every clock has a resolution of 1 ns;
 *  - sleeping never waits: it adds the requested duration to kernel.sleptNanos, which the machine
 *    adds into virtual time, so the clocks above move by exactly the slept amount.
 */
import {
  CLOCK_BOOTTIME,
  CLOCK_BOOTTIME_ALARM,
  CLOCK_MONOTONIC,
  CLOCK_MONOTONIC_COARSE,
  CLOCK_MONOTONIC_RAW,
  CLOCK_PROCESS_CPUTIME_ID,
  CLOCK_REALTIME,
  CLOCK_REALTIME_ALARM,
  CLOCK_REALTIME_COARSE,
  CLOCK_TAI,
  CLOCK_THREAD_CPUTIME_ID,
  PID,
  USER_HZ,
} from '../constants.js';
import { EINVAL, EPERM, SysError } from '../errno.js';
import { int, ptr, put64, StructReader, StructWriter } from '../guest.js';
import type { Sys, SyscallGroup } from './types.js';

const NS = 1_000_000_000n;

/** Virtual nanoseconds of the run so far (as the calling thread sees them). */
export function virtualNs(s: Sys): bigint {
  return BigInt(Math.max(0, Math.floor(s.t.virtualNanos())));
}

/** CPU time: virtual time not spent sleeping. */
export function cpuNs(s: Sys): bigint {
  const v = virtualNs(s) - BigInt(Math.floor(s.k.sleptNanos));
  return v > 0n ? v : 0n;
}

type ClockKind = 'realtime' | 'monotonic' | 'cpu';

function clockKind(s: Sys, id: number): ClockKind {
  switch (id) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_REALTIME_ALARM:
    case CLOCK_TAI:
      return 'realtime';
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_BOOTTIME_ALARM:
      return 'monotonic';
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
      return 'cpu';
  }
  if (id < 0) {
    // CPU-time clocks of a process or thread: ((~pid) << 3) | (per-thread ? 4 : 0) | type
    if ((id & 7) === 3) throw new SysError(EINVAL); // fd clocks (dynamic posix clocks)
    if ((id & 3) === 3) throw new SysError(EINVAL);
    const pid = ~(id >> 3);
    if (pid === 0 || pid === PID || pid === s.th.tid) return 'cpu';
  }
  throw new SysError(EINVAL);
}

export function clockNs(s: Sys, kind: ClockKind): bigint {
  switch (kind) {
    case 'realtime':
      return s.k.block.timestamp * NS + virtualNs(s);
    case 'monotonic':
      return virtualNs(s);
    case 'cpu':
      return cpuNs(s);
  }
}

function writeTimespec(s: Sys, addr: number, t: bigint): void {
  new StructWriter(16).i64(0, t / NS).i64(8, t % NS).to(s.mem, addr);
}

/** A struct timespec from the guest, validated (EINVAL for negative or unnormalised values). */
export function readTimespec(s: Sys, addr: number): bigint {
  const r = StructReader.from(s.mem, addr, 16);
  const sec = r.i64(0);
  const nsec = r.i64(8);
  if (sec < 0n || nsec < 0n || nsec >= NS) throw new SysError(EINVAL);
  return sec * NS + nsec;
}

/** Advance virtual time by ns (saturating: virtual time stays an exact JavaScript number). */
export function sleepFor(s: Sys, ns: bigint): void {
  if (ns <= 0n) return;
  const room = BigInt(Number.MAX_SAFE_INTEGER) - BigInt(Math.floor(s.k.sleptNanos));
  s.k.sleptNanos += Number(ns < room ? ns : room);
}

function clock_gettime(s: Sys, a: readonly bigint[]): number {
  writeTimespec(s, ptr(a[1]!), clockNs(s, clockKind(s, int(a[0]!))));
  return 0;
}

function clock_getres(s: Sys, a: readonly bigint[]): number {
  clockKind(s, int(a[0]!));
  const addr = ptr(a[1]!);
  if (addr !== 0) writeTimespec(s, addr, 1n);
  return 0;
}

function clock_settime(s: Sys, a: readonly bigint[]): number {
  clockKind(s, int(a[0]!));
  throw new SysError(EPERM);
}

function gettimeofday(s: Sys, a: readonly bigint[]): number {
  const tv = ptr(a[0]!);
  const tz = ptr(a[1]!);
  if (tv !== 0) {
    const t = clockNs(s, 'realtime');
    new StructWriter(16).i64(0, t / NS).i64(8, (t % NS) / 1000n).to(s.mem, tv);
  }
  if (tz !== 0) new StructWriter(8).to(s.mem, tz); // UTC, no DST
  return 0;
}

function time(s: Sys, a: readonly bigint[]): bigint {
  const t = clockNs(s, 'realtime') / NS;
  const addr = ptr(a[0]!);
  if (addr !== 0) put64(s.mem, addr, t);
  return t;
}

/** times(2): struct tms in clock ticks (USER_HZ = 100); returns ticks since the run started. */
function times(s: Sys, a: readonly bigint[]): bigint {
  const tick = NS / BigInt(USER_HZ);
  const addr = ptr(a[0]!);
  if (addr !== 0) new StructWriter(32).i64(0, cpuNs(s) / tick).to(s.mem, addr);
  return virtualNs(s) / tick;
}

export const timeSyscalls: SyscallGroup = {
  clock_gettime: [clock_gettime, 'dp'],
  clock_getres: [clock_getres, 'dp'],
  clock_settime: [clock_settime, 'dp'],
  gettimeofday: [gettimeofday, 'pp'],
  settimeofday: [() => {
    throw new SysError(EPERM);
  }, 'pp'],
  time: [time, 'p'],
  // nanosleep, clock_nanosleep: threads.ts (they block the thread in virtual time)
  times: [times, 'p'],
};
