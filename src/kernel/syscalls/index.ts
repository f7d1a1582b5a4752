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

interface Registry {
  /** Kernel name → implementation: what the dispatcher calls. */
  readonly impls: Readonly<Record<string, SyscallImpl>>;
  /** Kernel name → trace signature (trace.ts). */
  readonly signatures: Readonly<Record<string, string>>;
}

function merge(...groups: SyscallGroup[]): Registry {
  const impls: Record<string, SyscallImpl> = Object.create(null) as Record<string, SyscallImpl>;
  const signatures: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const g of groups) {
    for (const [name, [impl, trace]] of Object.entries(g)) {
      if (name in impls) throw new Error(`system call ${name} implemented twice`);
      impls[name] = impl;
      signatures[name] = trace;
    }
  }
  return { impls, signatures };
}

const REGISTRY = merge(
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

export const SYSCALLS = REGISTRY.impls;
export const SYSCALL_SIGNATURES = REGISTRY.signatures;
