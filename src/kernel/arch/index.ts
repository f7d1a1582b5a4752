/** Per-architecture system call number tables. */
import { RISCV64_SYSCALLS } from './riscv64.js';
import { X86_64_SYSCALLS } from './x86_64.js';

export type Arch = 'x86_64' | 'riscv64';

/** number → kernel name of the system call, for one architecture. */
export function syscallNames(arch: Arch): ReadonlyMap<number, string> {
  return arch === 'x86_64' ? X86_64_SYSCALLS : RISCV64_SYSCALLS;
}

/** kernel name → number for one architecture (undefined if the architecture lacks the call). */
export function syscallNumber(arch: Arch, name: string): number | undefined {
  for (const [nr, n] of syscallNames(arch)) if (n === name) return nr;
  return undefined;
}
