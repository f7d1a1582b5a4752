/**
 * getrandom(2): bytes from the run's deterministic random stream (random.ts). Never blocks and
 * never fails for lack of entropy; GRND_RANDOM and GRND_INSECURE make no difference. Like Linux,
 * one call returns at most 33554431 bytes.
 */
import { EFAULT, EINVAL, SysError } from '../errno.js';
import { copyGas } from '../gas.js';
import { accessible, ptr, size, uint } from '../guest.js';
import { PROT_WRITE } from '../../mem/memory.js';
import type { Sys, SyscallGroup } from './types.js';

const GRND_NONBLOCK = 1;
const GRND_RANDOM = 2;
const GRND_INSECURE = 4;
const MAX_GETRANDOM = 33554431;

function getrandom(s: Sys, a: readonly bigint[]): number {
  const buf = ptr(a[0]!);
  const len = Math.min(size(a[1]!), MAX_GETRANDOM);
  const flags = uint(a[2]!);
  if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) throw new SysError(EINVAL);
  if (flags & GRND_RANDOM && flags & GRND_INSECURE) throw new SysError(EINVAL);
  if (len === 0) return 0;
  // Check the buffer first so that a bad pointer consumes nothing from the stream.
  if (!accessible(s.mem, buf, len, PROT_WRITE)) throw new SysError(EFAULT);
  const CHUNK = 1 << 20;
  for (let done = 0; done < len; done += CHUNK) {
    const n = Math.min(CHUNK, len - done);
    s.mem.write(buf + done, s.k.random.next(n));
  }
  s.k.gas += copyGas(len);
  return len;
}

export const entropySyscalls: SyscallGroup = { getrandom: [getrandom, 'pux'] };
