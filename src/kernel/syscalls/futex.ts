/**
 * futex for a process with a single thread.
 *
 * Static glibc calls futex even without threads (libstdc++'s once-initialisation, stdio locks after
 * a failed trylock, Rust's std::sync primitives), almost always FUTEX_WAKE with nobody waiting.
 * With one thread the answers are exact: a wake wakes nobody (0); a wait on a word that no longer
 * holds the expected value fails with EAGAIN; a wait that would really sleep can only end by its
 * timeout (virtual time advances by it, ETIMEDOUT) or never (the run ends: "program blocked
 * forever in futex").
 *
 * PLACEHOLDER: when clone() threads arrive, the thread scheduler's futex replaces this file (drop
 * it from syscalls/index.ts; the registry refuses a name implemented twice).
 */
import { EAGAIN, EINVAL, ENOSYS, ETIMEDOUT, SysError } from '../errno.js';
import { checkWritable, ptr, uint } from '../guest.js';
import { readTimespec, sleepFor } from './time.js';
import type { Sys, SyscallGroup } from './types.js';

const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4, FUTEX_WAKE_OP = 5;
const FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;
const FUTEX_CMD_MASK = 0x7f; // without FUTEX_PRIVATE_FLAG (128) and FUTEX_CLOCK_REALTIME (256)

function word(s: Sys, addr: number): number {
  if (addr % 4 !== 0) throw new SysError(EINVAL);
  return s.mem.read32(addr) >>> 0;
}

function wait(s: Sys, addr: number, val: number, timeoutPtr: number, relative: boolean): number {
  if (word(s, addr) !== val) throw new SysError(EAGAIN);
  if (timeoutPtr !== 0) {
    // nobody can wake us: the wait lasts its whole timeout
    const t = readTimespec(s, timeoutPtr);
    if (relative) sleepFor(s, t);
    throw new SysError(ETIMEDOUT);
  }
  s.k.kill('program blocked forever in futex', 0);
  return 0;
}

/** FUTEX_WAKE_OP: *uaddr2 = op(*uaddr2, oparg); the comparison only decides whom to wake (nobody). */
function wakeOp(s: Sys, addr2: number, encoded: number): number {
  if (addr2 % 4 !== 0) throw new SysError(EINVAL);
  checkWritable(s.mem, addr2, 4);
  const op = (encoded >>> 28) & 7;
  const shift = (encoded >>> 28) & 8;
  let arg = (encoded << 8) >> 20; // sign-extended 12 bits
  if (shift) arg = 1 << (arg & 31);
  const old = s.mem.read32(addr2);
  let v: number;
  switch (op) {
    case 0: v = arg; break;
    case 1: v = old + arg; break;
    case 2: v = old | arg; break;
    case 3: v = old & ~arg; break;
    case 4: v = old ^ arg; break;
    default: throw new SysError(ENOSYS);
  }
  s.mem.write32(addr2, v >>> 0);
  return 0;
}

function futex(s: Sys, a: readonly bigint[]): number {
  const addr = ptr(a[0]!);
  const cmd = uint(a[1]!) & FUTEX_CMD_MASK;
  const val = uint(a[2]!) >>> 0;
  switch (cmd) {
    case FUTEX_WAIT:
      return wait(s, addr, val, ptr(a[3]!), true);
    case FUTEX_WAIT_BITSET:
      if ((uint(a[5]!) >>> 0) === 0) throw new SysError(EINVAL);
      return wait(s, addr, val, ptr(a[3]!), false);
    case FUTEX_WAKE:
      word(s, addr);
      return 0;
    case FUTEX_WAKE_BITSET:
      if ((uint(a[5]!) >>> 0) === 0) throw new SysError(EINVAL);
      word(s, addr);
      return 0;
    case FUTEX_REQUEUE:
      word(s, addr);
      return 0;
    case FUTEX_CMP_REQUEUE:
      if (word(s, addr) !== (uint(a[5]!) >>> 0)) throw new SysError(EAGAIN);
      return 0;
    case FUTEX_WAKE_OP:
      word(s, addr);
      return wakeOp(s, ptr(a[4]!), uint(a[5]!));
    default:
      // priority-inheritance locks and anything newer
      throw new SysError(ENOSYS);
  }
}

export const futexSyscalls: SyscallGroup = { futex };
