/**
 * The registry: kernel name → implementation, merged from the topic files. A name that is in an
 * architecture's table but not here is answered ENOSYS and recorded in kernel.unknownSyscalls.
 */
import { entropySyscalls } from './entropy.js';
import { fsSyscalls } from './fs.js';
import { fsPathSyscalls } from './fspath.js';
import { infoSyscalls } from './info.js';
import { memorySyscalls } from './memory.js';
import { processSyscalls } from './process.js';
import { signalSyscalls } from './signal.js';
import { timeSyscalls } from './time.js';
import { threadSyscalls } from './threads.js';
import { epollSyscalls } from './epoll.js';
import { riscvSyscalls } from './riscv.js';
import type { SyscallGroup, SyscallImpl } from './types.js';

function merge(...groups: SyscallGroup[]): Readonly<Record<string, SyscallImpl>> {
  const out: Record<string, SyscallImpl> = Object.create(null) as Record<string, SyscallImpl>;
  for (const g of groups) {
    for (const [name, impl] of Object.entries(g)) {
      if (name in out) throw new Error(`system call ${name} implemented twice`);
      out[name] = impl;
    }
  }
  return out;
}

export const SYSCALLS = merge(
  memorySyscalls,
  fsSyscalls,
  fsPathSyscalls,
  timeSyscalls,
  processSyscalls,
  signalSyscalls,
  infoSyscalls,
  entropySyscalls,
  threadSyscalls,
  epollSyscalls,
  riscvSyscalls,
);
