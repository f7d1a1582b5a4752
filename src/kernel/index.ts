/** Public entry points of the kernel. */
export { Kernel, type KernelOptions } from './kernel.js';
export type { ThreadContext } from './types.js';
export { DeterministicRandom } from './random.js';
export { syscallNames, syscallNumber, type Arch } from './arch/index.js';
export { SysError, errnoName } from './errno.js';
export * as gas from './gas.js';
