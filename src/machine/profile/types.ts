/**
 * A gas profile: where the gas of one run went, by call stack. Plain JSON (the RPC returns it and
 * the browser pages draw it), built by recorder.ts and written out by format.ts.
 *
 * Every unit of gasUsed is in exactly one stack. Instruction gas is charged to the function on top
 * of the stack (its exclusive gas); the other costs appear as pseudo-frames on top of the stack
 * that caused them: `[syscall NAME]` (base and copy cost of a system call), `[memory]` (pages first
 * touched), `[output]` (bytes kept in stdout/stderr) and `[storage]` (contract storage reads,
 * writes, deletes, events and code, charged by the contract layer).
 */

export interface GasCategories {
  /** Instruction gas: the sum of every function's exclusive gas. */
  instructions: number;
  syscalls: number;
  memory: number;
  output: number;
  storage: number;
}

export interface ProfileStack {
  /** Function names from the root (the entry point) to the leaf; the leaf may be a pseudo-frame. */
  frames: string[];
  gas: number;
}

export interface FunctionGas {
  name: string;
  /** Instruction gas spent in the function itself. */
  self: number;
  /** All gas spent while it was on the stack (counted once per stack, so recursion is not doubled). */
  total: number;
  /** Times it was entered by a call instruction. */
  calls: number;
}

export interface GasProfile {
  gasUsed: number;
  /**
   * 'symbols': functions named from the ELF symbol table. 'addresses': the binary has no symbols,
   * so a function is the address range from one call target to the next, named `0xSTART-0xEND`.
   */
  naming: 'symbols' | 'addresses';
  categories: GasCategories;
  /** One entry per distinct stack with gas, in the order first seen. */
  stacks: ProfileStack[];
  /** Sorted by exclusive gas, largest first. */
  functions: FunctionGas[];
}

export const PSEUDO_MEMORY = '[memory]';
export const PSEUDO_OUTPUT = '[output]';
export const PSEUDO_STORAGE = '[storage]';
export const PSEUDO_SYSCALL_PREFIX = '[syscall';

export function isPseudoFrame(name: string): boolean {
  return name.startsWith('[');
}
