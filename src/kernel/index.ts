/** Public entry points of the kernel. */
export { Kernel, type KernelOptions } from './kernel.js';
export type { ThreadContext } from './types.js';
export type { AbnormalOutcome, RunOutcome, VmEndKind } from './outcome.js';
export { mountProvider, setWorkingDirectory, type DirProvider, type ProvidedEntry } from './mount.js';
export { DeterministicRandom } from './random.js';
export { syscallNames, syscallNumber, type Arch } from './arch/index.js';
export { SysError, errnoName } from './errno.js';
export * as gas from './gas.js';
// what a machine's run loop needs of signals: delivery between slices, faults turned into signals
export { deliverSignals, forceSignal, hasDeliverable, SA_ONSTACK } from './syscalls/signal.js';
export { SEGV_ACCERR, SI_KERNEL, SIGFPE, SIGILL, SIGSEGV, SIGTRAP } from './constants.js';
