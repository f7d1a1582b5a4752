/**
 * Gas charged by the machine itself (the kernel charges its own syscall costs, see
 * src/kernel/gas.ts; docs/gas.md is the schedule).
 *
 * - 1 gas per retired instruction (each iteration of a REP string instruction retires once).
 * - GAS_PER_PAGE_TOUCHED for each 4 KiB page of guest memory the run materialises (first touch).
 */
export const GAS_PER_INSTRUCTION = 1;
export const GAS_PER_PAGE_TOUCHED = 64;
